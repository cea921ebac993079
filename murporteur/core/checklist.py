"""The first-run checklist the admin's home shows until the collective is set up.

A tiny registry, generic so that any layer may register a step: each domain that knows
whether one step is done registers it (the collective: its details; accounts: organisations,
people; the committee: its first session). A step is a
key, a label, the page where it is done, and a question asked of the database.

    @checklist.step("organisations", _l("Ajouter les organisations"), "organisations.list",
                    order=20)
    def _organisations_entered() -> bool: ...

Registering a key again replaces the step: a later domain may take over a placeholder.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for


@dataclass(frozen=True)
class Step:
    key: str
    label: object
    endpoint: str | None  # where the admin does it (None: someone else does, ``hint`` says)
    done: Callable[[], bool]
    order: int = 100
    hint: object = None

    @property
    def url(self) -> str | None:
        return url_for(self.endpoint) if self.endpoint else None


_steps: dict[str, Step] = {}


def step(key: str, label: object, endpoint: str | None, *, order: int = 100,
         hint: object = None) -> Callable[[Callable[[], bool]], Callable[[], bool]]:
    """Register the decorated question as the step ``key`` of the checklist."""
    def register(done: Callable[[], bool]) -> Callable[[], bool]:
        _steps[key] = Step(key, label, endpoint, done, order, hint)
        return done
    return register


def steps() -> list[Step]:
    return sorted(_steps.values(), key=lambda s: (s.order, s.key))


def progress() -> list[tuple[Step, bool]]:
    """Each step, and whether it is done."""
    return [(s, bool(s.done())) for s in steps()]


def complete() -> bool:
    return all(done for _s, done in progress())
