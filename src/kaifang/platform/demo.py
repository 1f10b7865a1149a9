"""The Guizhou demo instance: the SIMULATED values of examples/guizhou entered, submitted,
approved and published through the platform's own workflow for 2016-2023, and 2024 in progress.

Every value, review and audit entry is made by the service layer, as a user would make it, so
the demo's history is real history of simulated data.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from kaifang.errors import KaifangError
from kaifang.platform import accounts, data_entry, review, workflow
from kaifang.platform.access import SYSTEM, Actor
from kaifang.platform.instance import Platform, init_instance

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "guizhou"
DEMO_PASSWORD = "kaifang-demo-2024"
PUBLISHED_YEARS = range(2016, 2024)
CURRENT_YEAR = 2024
NOTE = {"zh": "模拟数据（演示）", "en": "SIMULATED demo value"}
SHORT = {
    "520100": "gy",
    "520200": "lps",
    "520300": "zy",
    "520400": "as",
    "520500": "bj",
    "520600": "tr",
    "522300": "qxn",
    "522600": "qdn",
    "522700": "qn",
}


def example_folder() -> Path:
    if not (EXAMPLE / "framework.yaml").is_file():
        raise KaifangError(
            f"the Guizhou example is not at {EXAMPLE}: run the demo from a source checkout"
        )
    return EXAMPLE


def _users(platform: Platform, admin: Actor) -> dict[str, Actor]:
    made: dict[str, Actor] = {"admin": admin}
    plan = [("prov_reviewer", "province_reviewer", "520000"), ("viewer", "viewer", "520000")]
    for code, short in SHORT.items():
        plan += [
            (f"filler_{short}", "filler", code),
            (f"reviewer_{short}", "prefecture_reviewer", code),
        ]
    with platform.tx(admin) as session:
        for username, role, code in plan:
            user = accounts.create_user(
                session,
                admin,
                username=username,
                display_name=username,
                password=DEMO_PASSWORD,
                role=role,
                scope=[code],
            )
            made[username] = accounts.actor_of(user)
    return made


def _enter_and_submit(
    platform: Platform, filler: Actor, code: str, region: str, cells: dict[str, float | None]
) -> int:
    with platform.tx(filler) as session:
        period = workflow.get_period(session, code)
        findings = data_entry.check_cells(session, filler, period, region, cells)
        flagged = {f.indicator for f in findings if f.severity == "soft"}
        notes = {i: NOTE["zh"] for i in flagged}
        submission = data_entry.save_values(
            session, filler, period, region, cells, notes, source="seed"
        )
        return submission.id


def build_demo(folder: Path) -> list[tuple[str, str]]:
    """Create the demo instance in ``folder``; returns (username, role) of its users."""
    example = example_folder()
    platform = init_instance(
        folder,
        example / "framework.yaml",
        example / "units.csv",
        admin="admin",
        password=DEMO_PASSWORD,
        simulated=True,
    )
    try:
        with platform.tx() as session:
            admin = accounts.actor_of(accounts.list_users(session, SYSTEM)[0])
        users = _users(platform, admin)
        data = pd.read_csv(example / "data" / "indicators_SIMULATED.csv", dtype={"unit": str})
        for year in [*PUBLISHED_YEARS, CURRENT_YEAR]:
            code = str(year)
            with platform.tx(admin) as session:
                workflow.create_period(
                    session,
                    admin,
                    platform.framework,
                    code=code,
                    year=year,
                    name_zh=f"{year}年度",
                    name_en=f"Year {year}",
                )
                workflow.set_period_state(session, admin, code, "open")
                fields = {f.indicator for f in workflow.get_period(session, code).fields}
            rows = data[(data["year"] == year) & data["indicator"].isin(fields)]
            for position, (region, short) in enumerate(SHORT.items()):
                part = rows[rows["unit"] == region]
                cells = {
                    str(i): (None if pd.isna(v) else float(v))
                    for i, v in zip(part["indicator"], part["value"], strict=True)
                }
                if year == CURRENT_YEAR and position >= 6:
                    continue  # three prefectures have not started 2024 yet
                filler = users[f"filler_{short}"]
                sub_id = _enter_and_submit(platform, filler, code, region, cells)
                if year == CURRENT_YEAR and position >= 3:
                    continue  # three 2024 drafts
                with platform.tx(filler) as session:
                    review.submit(session, filler, sub_id)
                if year == CURRENT_YEAR and position >= 1:
                    continue  # two 2024 submissions waiting for their prefecture
                reviewer = users[f"reviewer_{short}"]
                with platform.tx(reviewer) as session:
                    review.review(session, reviewer, sub_id, "approve", seen_state="submitted")
                if year == CURRENT_YEAR:
                    continue  # one waiting for the province
                province = users["prov_reviewer"]
                with platform.tx(province) as session:
                    review.review(
                        session, province, sub_id, "approve", seen_state="prefecture_approved"
                    )
            if year != CURRENT_YEAR:
                with platform.tx(admin) as session:
                    review.publish(session, admin, code)
        write_assessment(folder, example, str(CURRENT_YEAR - 1))
        from kaifang.platform.ledger.demo import seed_demo_ledger

        seed_demo_ledger(platform, admin, example / "ledger.yaml", DEMO_PASSWORD)
        with platform.tx(admin) as session:
            return [(u.username, u.role) for u in accounts.list_users(session, admin)]
    finally:
        platform.close()


def write_assessment(folder: Path, example: Path, period: str) -> Path:
    """The example's assessment.yaml, reading the instance's published data up to ``period``."""
    text = (example / "assessment.yaml").read_text(encoding="utf-8")
    old = "data: data/indicators_SIMULATED.csv"
    if old not in text:
        raise KaifangError(f"{example / 'assessment.yaml'}: no line {old!r} to replace")
    text = text.replace(old, f'data: {{database: platform.db, period: "{period}"}}')
    header = (
        "# Written by `kaifang platform demo`: the Guizhou assessment on the data PUBLISHED\n"
        "# in this"
        " instance's database (SIMULATED values). Rerun after publishing a period:\n"
        f"#   kaifang assess {folder / 'assessment.yaml'} -o out/platform\n"
    )
    shutil.copytree(example / "geo", folder / "geo", dirs_exist_ok=True)
    path = folder / "assessment.yaml"
    path.write_text(header + text, encoding="utf-8")
    return path
