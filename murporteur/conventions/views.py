"""Conventions: animators manage them, members see and sign their organisation's."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("conventions", __name__, url_prefix="/conventions")
