"""Notifications: written to an outbox in the changing transaction, sent by a Celery task."""
