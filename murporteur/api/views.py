"""/api/v1: read-only JSON, personal tokens, cursor pagination, an OpenAPI 3.1 document."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")
