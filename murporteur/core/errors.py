"""Domain errors: services raise them, views turn them into messages."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an operation; ``message`` is meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class AccessDenied(DomainError):
    """The acting user may not do this."""
