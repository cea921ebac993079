"""Who may follow a background job and download its file: whom the job's domain lets see the
work (its own policy, asked again at each look), never merely whoever asked for it."""

from __future__ import annotations

from murporteur.accounts.models import User
from murporteur.core.policy import permission
from murporteur.jobs.models import BackgroundJob
from murporteur.jobs.registry import kind_of


@permission("view_job")
def may_view_job(user: User | None, job: BackgroundJob) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return bool(kind_of(job.kind).may_view(user, job.parameters))
