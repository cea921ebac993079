"""Celery tasks of the committee domain."""
