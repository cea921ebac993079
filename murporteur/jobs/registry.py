"""The kinds of background work, each declared by the domain that knows how to do it.

The jobs package knows no domain: the committee, the reporting and the flash meetings each
``register`` their kinds (in their ``jobs.py``, imported by ``create_app``), saying how to run
one, who may see it — their own policy, asked again at every look and every download —,
what it is called and where it belongs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l

if TYPE_CHECKING:
    from murporteur.accounts.models import User
    from murporteur.jobs.models import BackgroundJob

#: ``progress(percent, step)``: the run tells how far it is (0–100) and which step it is in.
#: It commits: call it between pieces of work that may stand on their own.
Progress = Callable[[int, str], None]

#: The steps every kind may use; a kind adds its own words (``JobKind.steps``).
STEPS: dict[str, Any] = {
    "queued": _l("En attente d'un moment libre"),
    "gathering": _l("Rassemblement des données"),
    "rendering": _l("Mise en page du PDF"),
}


@dataclass(frozen=True)
class Result:
    """What a run produced: a file to download, and/or a few JSON values for its page."""

    filename: str | None = None
    mimetype: str = "application/pdf"
    content: bytes | None = None
    summary: dict | None = None


@dataclass(frozen=True)
class JobKind:
    name: str
    #: Does the work; raises ``DomainError`` when the rules refuse it now.
    run: Callable[[BackgroundJob, Progress], Result]
    #: Whether ``user`` may see this job and its file: the domain's policy.
    may_view: Callable[[User, dict], bool]
    #: This job's work in words, in the active language ("Compte rendu du comité 2026-Q4").
    title: Callable[[dict], str]
    #: The page the work belongs to, and the words of the link back to it.
    origin: Callable[[dict], str]
    origin_label: Any
    #: What the page says once it is done (may use the run's summary).
    done_text: Callable[[BackgroundJob], str]
    #: The catalogue key of the bell entry sent to the requester when it is done (with
    #: ``url`` the job's page, and ``notification_context``).
    notification: str | None = None
    notification_context: Callable[[dict], dict] = field(default=lambda parameters: {})
    steps: dict[str, Any] = field(default_factory=dict)

    def step_label(self, step: str) -> str:
        return str(self.steps.get(step) or STEPS.get(step) or step)


_KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> JobKind:
    """Declare ``kind`` (once per name: a second one is a mistake)."""
    if _KINDS.get(kind.name, kind) is not kind:
        raise ValueError(f"job kind {kind.name!r} is already registered")
    _KINDS[kind.name] = kind
    return kind


def kind_of(name: str) -> JobKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"no job kind {name!r}: register it in its domain's jobs.py") from None


def registered() -> dict[str, JobKind]:
    return dict(_KINDS)
