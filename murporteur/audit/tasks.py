"""The audit trail's chainer: links the entries committed since its last run (after each
commit that wrote some, and every minute by beat in case the broker missed one)."""

from __future__ import annotations

from celery import shared_task

from murporteur.audit.services import chain_pending
from murporteur.extensions import db


@shared_task(name="murporteur.audit.chain", ignore_result=True)
def chain() -> int:
    count = chain_pending()
    db.session.commit()
    return count
