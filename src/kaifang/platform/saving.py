"""Saving entered values in two steps, so that writers wait for each other as briefly as possible.

The checks and the new versions are worked out in a read transaction, which on SQLite runs beside
the one writer and on PostgreSQL takes no lock; the write transaction then only verifies that the
submission is unchanged and inserts (:func:`kaifang.platform.workflow.apply_plan`). Should the
submission have changed in between, the save is done again in the write transaction, as a whole.
"""

from __future__ import annotations

from collections.abc import Mapping

from kaifang.platform import workflow
from kaifang.platform.access import Actor
from kaifang.platform.instance import Platform
from kaifang.platform.models import Submission


def save_values(
    platform: Platform,
    actor: Actor,
    period_code: str,
    region: str,
    cells: Mapping[str, str | float | None],
    explanations: Mapping[str, str] | None = None,
    *,
    revision: int | None = None,
    source: str = "form",
) -> tuple[Submission, dict[str, workflow.CurrentValue]]:
    """Save values as :func:`kaifang.platform.workflow.save_values` does (same checks, same
    refusals, all or nothing); returns the submission and its values after the save."""
    with platform.read(actor) as session:
        period = workflow.get_period(session, period_code)
        plan = workflow.plan_values(
            session, actor, period, region, cells, explanations, revision=revision, source=source
        )
    with platform.tx(actor) as session:
        saved = workflow.apply_plan(session, actor, plan)
        if saved is not None:
            return saved, plan.current
        period = workflow.get_period(session, period_code)
        saved = workflow.save_values(
            session, actor, period, region, cells, explanations, revision=revision, source=source
        )
        return saved, workflow.current_values(session, [saved.id])[saved.id]
