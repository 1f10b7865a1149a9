"""The Guizhou demo's ledger: the example's seed plan (examples/guizhou/ledger.yaml, with its
SIMULATED progress) imported, one filler per department, and two reports of the next round
in the workflow (one submitted, one draft) made through the service layer."""

from __future__ import annotations

from pathlib import Path

from kaifang.ledger import evaluate_ledger, load_ledger
from kaifang.platform import accounts
from kaifang.platform.access import Actor
from kaifang.platform.instance import Platform
from kaifang.platform.ledger import reports, store

NARRATIVE = {
    "zh": "（模拟）本期按计划推进。",
    "en": "(SIMULATED) Progress as planned this period.",
}


def department_user(department: str) -> str:
    return f"dept_{department}"[:64]


def seed_demo_ledger(platform: Platform, admin: Actor, ledger_path: Path, password: str) -> None:
    """Import the ledger, create a filler per department (scope: the top regions) and put
    the first two due reports into the workflow."""
    ledger = load_ledger(ledger_path)
    with platform.tx() as session:
        store.import_ledger(session, admin, ledger, source=ledger_path.name)
        top = store.top_regions(session)
    fillers: dict[str, Actor] = {}
    with platform.tx(admin) as session:
        for dep in ledger.file.departments:
            user = accounts.create_user(
                session,
                admin,
                username=department_user(dep.id),
                display_name=dep.name.zh,
                password=password,
                role="filler",
                scope=top,
            )
            fillers[dep.id] = accounts.actor_of(user)
        for dep in ledger.file.departments:
            store.set_user_department(session, admin, department_user(dep.id), dep.id)
    due = evaluate_ledger(ledger).reminders.head(2).to_dict("records")
    for k, row in enumerate(due):
        filler = fillers[row["department"]]
        with platform.tx(filler) as session:
            report = reports.save_report(
                session,
                filler,
                row["measure"],
                row["period"],
                reports.ReportContent("on_track", 50.0, NARRATIVE["zh"], NARRATIVE["en"]),
                source="seed",
            )
            if k == 0:
                reports.submit_report(session, filler, report.id)
