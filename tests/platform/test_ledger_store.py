"""The ledger in the database: import (all or nothing), read back equal to the file, scope
filtering, departments and the administrator's edits (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from ledger_support import (
    GUIYANG_TASK,
    PROVINCE_TASK,
    guizhou_ledger,
    import_guizhou,
)
from platform_support import actor
from sqlalchemy import func, select

from kaifang.ledger import evaluate_ledger
from kaifang.ledger.excel import write_ledger_workbook
from kaifang.platform import audit
from kaifang.platform.errors import Forbidden, NotFound, Refused
from kaifang.platform.instance import Platform
from kaifang.platform.ledger import store
from kaifang.platform.ledger.models import LedgerMeasure, LedgerReportVersion
from kaifang.platform.models import AuditEntry


def _cells(path: Path) -> list[list[list[object]]]:
    book = openpyxl.load_workbook(path)
    return [[[c.value for c in row] for row in sheet.iter_rows()] for sheet in book.worksheets]


def test_imported_ledger_reads_back_equal_to_the_file(platform: Platform) -> None:
    import_guizhou(platform)
    file_ledger = guizhou_ledger()
    with platform.read(actor(platform, "admin")) as session:
        db_ledger = store.read_ledger(
            session, actor(platform, "admin"), assessment=file_ledger.assessment
        )
    assert db_ledger.file == file_ledger.file
    assert [f.number for f in db_ledger.measures] == [f.number for f in file_ledger.measures]


def test_workbook_from_the_database_equals_the_file_export(
    platform: Platform, tmp_path: Path
) -> None:
    import_guizhou(platform)
    file_ledger = guizhou_ledger()
    admin = actor(platform, "admin")
    with platform.read(admin) as session:
        db_ledger = store.read_ledger(session, admin, assessment=file_ledger.assessment)
    write_ledger_workbook(tmp_path / "file.xlsx", file_ledger, evaluate_ledger(file_ledger))
    write_ledger_workbook(tmp_path / "db.xlsx", db_ledger, evaluate_ledger(db_ledger))
    file_cells = _cells(tmp_path / "file.xlsx")
    assert file_cells == _cells(tmp_path / "db.xlsx")
    assert len(file_cells[0]) > 20  # the official sheet has every measure


def test_prefecture_users_see_only_measures_of_their_regions(platform: Platform) -> None:
    import_guizhou(platform)
    who = actor(platform, "filler_gy")  # scope 520100
    with platform.read(who) as session:
        seen = store.read_ledger(session, who)
    ids = {f.measure.id for f in seen.measures}
    assert GUIYANG_TASK in ids and PROVINCE_TASK not in ids
    expected = {
        f.measure.id
        for f in guizhou_ledger().measures
        if any(c.startswith("5201") for c in f.measure.regions)
    }
    assert ids == expected
    # a child whose parent is out of scope is lifted to the top level
    assert all(f.parent is None or f.parent in ids for f in seen.measures)
    assert {r.measure for r in seen.file.progress} <= ids
    with platform.read(who) as session, pytest.raises(NotFound):
        store.edit_measure(session, actor(platform, "admin"), "no_such_measure")
    lps = actor(platform, "filler_lps")  # scope 520200: no measure there
    with platform.read(lps) as session:
        assert store.read_ledger(session, lps).measures == ()


def test_a_second_import_is_refused_and_changes_nothing(platform: Platform) -> None:
    import_guizhou(platform)
    admin = actor(platform, "admin")
    with platform.read() as session:
        before = session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(Refused, match="ledger_exists"), platform.tx() as session:
        store.import_ledger(session, admin, guizhou_ledger())
    with platform.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_an_import_with_unknown_regions_leaves_nothing(platform: Platform) -> None:
    ledger = guizhou_ledger()
    first = ledger.measures[0].measure
    bad_measure = first.model_copy(update={"regions": ["990000"]})
    bad_file = ledger.file.model_copy(update={"measures": [bad_measure, *ledger.file.measures[1:]]})
    from kaifang.ledger.load import Ledger, flatten

    bad = Ledger(bad_file, ledger.path, flatten(bad_file.measures), None)
    admin = actor(platform, "admin")
    with pytest.raises(Refused, match="unknown_regions"), platform.tx() as session:
        store.import_ledger(session, admin, bad)
    with platform.read() as session:
        assert not store.has_ledger(session)
        assert session.scalar(select(func.count()).select_from(LedgerMeasure)) == 0
        assert session.scalar(select(func.count()).select_from(LedgerReportVersion)) == 0


def test_only_the_administrator_imports_and_edits(platform: Platform) -> None:
    import_guizhou(platform)
    prov = actor(platform, "prov")
    with pytest.raises(Forbidden), platform.tx(prov) as session:
        store.edit_measure(session, prov, PROVINCE_TASK, deadline=dt.date(2027, 6, 30))
    with pytest.raises(Forbidden), platform.tx(prov) as session:
        store.set_user_department(session, prov, "filler_gy", "drc")


def test_measure_edits_are_checked_and_audited(platform: Platform) -> None:
    import_guizhou(platform)
    admin = actor(platform, "admin")
    with pytest.raises(Refused, match="deadline_before_start"), platform.tx(admin) as session:
        store.edit_measure(session, admin, GUIYANG_TASK, deadline=dt.date(2024, 1, 1))
    # a milestone is due 2025-03-31: a deadline before it is refused
    with pytest.raises(Refused, match="outside_span"), platform.tx(admin) as session:
        store.edit_measure(session, admin, GUIYANG_TASK, deadline=dt.date(2025, 1, 31))
    with pytest.raises(Refused, match="unknown_department"), platform.tx(admin) as session:
        store.edit_measure(session, admin, GUIYANG_TASK, lead="nobody")
    with platform.tx(admin) as session:
        store.edit_measure(
            session, admin, GUIYANG_TASK, deadline=dt.date(2025, 5, 31), reason="agreed"
        )
        store.set_milestone(session, admin, GUIYANG_TASK, "rcep_guide", done=dt.date(2025, 3, 1))
    with platform.read() as session:
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert audit.verify_chain(entries) is None
        edits = [e for e in entries if e.action in ("measure_edit", "milestone_edit")]
        assert [e.action for e in edits] == ["measure_edit", "milestone_edit"]
        assert edits[0].before is not None and edits[0].before["deadline"] == "2025-06-30"
        assert edits[0].after is not None and edits[0].after["deadline"] == "2025-05-31"
        assert edits[0].reason == "agreed" and edits[0].region_code == "520100"
        assert edits[1].after == {"due": "2025-03-31", "done": "2025-03-01"}
    with platform.read(admin) as session:
        m = store.read_ledger(session, admin).measure(GUIYANG_TASK).measure
        assert m.deadline == dt.date(2025, 5, 31)
        assert m.milestones[1].done == dt.date(2025, 3, 1)


def test_departments_of_users_are_set_by_the_administrator(platform: Platform) -> None:
    import_guizhou(platform)
    admin = actor(platform, "admin")
    with pytest.raises(Refused, match="unknown_department"), platform.tx(admin) as session:
        store.set_user_department(session, admin, "filler_gy", "no_such")
    with pytest.raises(NotFound), platform.tx(admin) as session:
        store.set_user_department(session, admin, "nobody", "drc")
    with platform.tx(admin) as session:
        store.set_user_department(session, admin, "filler_gy", "drc")
    with platform.read() as session:
        from kaifang.platform.ledger.access import department_of

        assert department_of(session, actor(platform, "filler_gy").id) == "drc"
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None and last.action == "user_department"
        assert last.before == {"department": "commerce"} and last.after == {"department": "drc"}


def test_the_demo_seeds_departments_and_reports_in_the_workflow(platform: Platform) -> None:
    from ledger_support import LEDGER
    from platform_support import PASSWORD

    from kaifang.platform.ledger.demo import department_user, seed_demo_ledger
    from kaifang.platform.ledger.models import LedgerReport
    from kaifang.platform.web.messages import MESSAGES

    admin = actor(platform, "admin")
    seed_demo_ledger(platform, admin, LEDGER, PASSWORD)
    with platform.read() as session:
        states = sorted(
            session.scalars(select(LedgerReport.state).where(LedgerReport.state != "approved"))
        )
        assert states == ["draft", "submitted"]
        from kaifang.platform.ledger.access import department_of

        who = actor(platform, department_user("commerce"))
        assert department_of(session, who.id) == "commerce"
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert audit.verify_chain(entries) is None
    assert all(f"audit_{e.action}" in MESSAGES for e in entries)
    with platform.read(who) as session:
        seen = store.read_ledger(session, who)
    assert seen.file.simulated_progress
    assert len(seen.file.progress) == 48  # the file's 47 and the submitted one


def test_long_texts_are_kept_whole(platform: Platform) -> None:
    """Names and titles have no length limit in the file: the database keeps them whole."""
    from kaifang.ledger.load import Ledger, flatten

    ledger = guizhou_ledger()
    from kaifang.framework import Name

    long_name = Name(zh="很长的任务名称" * 300, en="A long measure name " * 150)
    first = ledger.file.measures[0].model_copy(update={"name": long_name})
    departments = [
        ledger.file.departments[0].model_copy(update={"name": long_name}),
        *ledger.file.departments[1:],
    ]
    changed = ledger.file.model_copy(
        update={
            "measures": [first, *ledger.file.measures[1:]],
            "departments": departments,
            "title": long_name,
            "assessment": "x/" * 400 + "assessment.yaml",
        }
    )
    long = Ledger(changed, Path("l" * 200 + ".yaml"), flatten(changed.measures), None)
    admin = actor(platform, "admin")
    with platform.tx() as session:
        store.import_ledger(session, admin, long)
    with platform.read(admin) as session:
        assert store.read_ledger(session, admin).file == changed
