"""Who may do what with flash meetings: the one place for their access rules.

- events, participants, the schedule, the exports: the animators (``may_run_events``);
- a participant's own page (availabilities, wishes, agenda, follow-ups): whoever holds their
  personal link — checked by the token itself, in the views;
- registering as a holder on the public page: anyone, while the event takes registrations
  (``may_register``).
"""

from __future__ import annotations

from murporteur.accounts.models import Role, User
from murporteur.core.policy import permission
from murporteur.meetings.models import FlashEvent
from murporteur.meetings.workflow import OPEN_STATES


@permission("run_flash_events")
def may_run_events(user: User | None, _obj=None) -> bool:
    return user is not None and user.is_authenticated and user.role == Role.ANIMATOR


@permission("register_for_flash_event")
def may_register(_user, event: FlashEvent) -> bool:
    return event.registration_open and event.state in OPEN_STATES
