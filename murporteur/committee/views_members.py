"""The members' portal: their organisation's sessions, the agenda items and their positions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("members", __name__, url_prefix="/comite")
