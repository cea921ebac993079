"""Celery tasks of the conventions domain."""
