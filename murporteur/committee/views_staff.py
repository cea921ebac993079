"""The animators' side of the committee: sessions, agenda, live grid, decisions, attendance."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("committee", __name__, url_prefix="/instruction/comites")
