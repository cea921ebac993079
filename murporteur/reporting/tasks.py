"""Celery tasks of the reporting: the figures computed again after a change (beat)."""

from __future__ import annotations

from celery import shared_task

from murporteur.reporting import cache


@shared_task(name="murporteur.reporting.warm_figures", ignore_result=True)
def warm_figures() -> list[int]:
    """The collective's figures of this year and the last, computed if a change made them
    stale: the reporting page after a change reads them instead of computing them."""
    return cache.warm()  # read only: the task's app context ends its transaction
