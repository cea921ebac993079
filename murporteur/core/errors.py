"""Domain errors: services raise them, the app turns them into messages (``core/handling.py``)."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an operation; ``message`` is meant for the user.

    ``field`` names the form field the message belongs to, when the rule knows it (the view
    may also say it, in ``on_refusal``)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class AccessDenied(DomainError):
    """The acting user may not do this."""
