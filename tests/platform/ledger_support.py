"""Helpers of the ledger-on-the-platform tests: the Guizhou ledger loaded once, imported into an
instance, users given departments."""

from __future__ import annotations

from functools import cache

from platform_support import GUIZHOU, actor

from kaifang.ledger import load_ledger
from kaifang.ledger.load import Ledger
from kaifang.platform.instance import Platform
from kaifang.platform.ledger import store

LEDGER = GUIZHOU / "ledger.yaml"
# measure ids of the Guizhou ledger used by the tests
PROVINCE_TASK = "attract_fdi"  # regions 520000, lead: investment
GUIYANG_TASK = "fta_service_centre"  # regions 520100 only, lead: commerce, 2024-03 to 2025-06
OTHER_DEPARTMENT_TASK = "air_cargo"  # regions 520100 only, lead: transport
SHARED_TASK = "land_sea_corridor"  # regions 520100 and 520300
# username -> department (the users of platform_support.USERS)
DEPARTMENTS = {"filler_gy": "commerce", "filler_lps": "commerce"}


@cache
def guizhou_ledger() -> Ledger:
    """The example's ledger, validated once per test run (it loads the assessment)."""
    return load_ledger(LEDGER)


def import_guizhou(platform: Platform) -> None:
    """Import the Guizhou ledger as the administrator and give the fillers their departments."""
    admin = actor(platform, "admin")
    with platform.tx() as session:
        store.import_ledger(session, admin, guizhou_ledger(), source="ledger.yaml")
    with platform.tx(admin) as session:
        for username, department in DEPARTMENTS.items():
            store.set_user_department(session, admin, username, department)


def token(platform: Platform, username: str) -> dict[str, str]:
    """Bearer headers of a new personal token of ``username``."""
    from kaifang.platform import accounts
    from kaifang.platform.models import User

    with platform.tx() as session:
        from sqlalchemy import select

        user = session.scalars(select(User).where(User.username == username)).one()
        plain = accounts.create_token(session, user, "test", platform.secret)
    return {"Authorization": f"Bearer {plain}"}


def set_report_state(
    platform: Platform, measures: tuple[str, ...], period: str, state: str
) -> None:
    """Give each measure a report for ``period`` in ``state`` (test arrangement, straight into
    the tables: the permission tests need every state, whoever may reach it)."""
    from sqlalchemy import select

    from kaifang.platform.ledger.models import LedgerReport, LedgerReportVersion

    with platform.tx() as session:
        for measure in measures:
            report = session.scalars(
                select(LedgerReport).where(
                    LedgerReport.measure_id == measure, LedgerReport.period == period
                )
            ).one_or_none()
            if report is None:
                report = LedgerReport(measure_id=measure, period=period, state=state, revision=0)
                session.add(report)
                session.flush()
                session.add(
                    LedgerReportVersion(
                        report_id=report.id,
                        measure_id=measure,
                        version=1,
                        status="on_track",
                        percent=10,
                        reason="seed",
                    )
                )
            report.state = state
            report.returned_comment = None
