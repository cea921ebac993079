"""The reporting pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reporting", __name__, url_prefix="/rapports")
