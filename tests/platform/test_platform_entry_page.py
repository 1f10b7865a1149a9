"""The entry form's page and a period's overview: their rows built in Python draw the same
HTML as the Jinja loops they replaced, the rules the form shows are never stale, and its
one-query reads (period, region and submission; rules of both levels; five years of history)
give what the separate ORM reads gave, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, StrictUndefined
from platform_support import LOCAL, actor, login
from sqlalchemy import select
from test_platform_workflow import approve_fully, enter, open_period

from kaifang.platform import indicator_rules, review, rules, value_reads, workflow
from kaifang.platform.errors import NotFound
from kaifang.platform.forms import FieldDefinition
from kaifang.platform.indicator_rules import RuleChange
from kaifang.platform.instance import Platform
from kaifang.platform.models import Review
from kaifang.platform.rules import FieldSpec, Finding
from kaifang.platform.web import create_app, messages
from kaifang.platform.web.entry_rows import entry_rows
from kaifang.platform.web.overview_rows import overview_rows

REFERENCE = Path(__file__).with_name("entry_rows_reference.html")
HOSTILE = ["", "<script>alert('x')</script>", '"&amp;"', "a\nb", "说明 & <b>", "{{ 7*7 }}"]
texts = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=12))
bounds = st.one_of(st.none(), st.floats(allow_nan=False), st.integers(-(10**9), 10**9).map(float))


@st.composite
def forms(draw: Any) -> dict[str, Any]:
    count = draw(st.integers(0, 8))
    groups = draw(st.lists(texts, min_size=1, max_size=3))
    fields = tuple(
        FieldDefinition(
            indicator=f"ind_{i}",
            group_zh=draw(st.sampled_from(groups)),
            group_en=draw(st.sampled_from(groups)),
            name_zh=draw(texts),
            name_en=draw(texts),
            unit=draw(texts),
            low=None,
            high=None,
            positive=False,
        )
        for i in range(count)
    )
    specs = {f.indicator: FieldSpec(f.indicator, draw(bounds), draw(bounds)) for f in fields}
    ids = [f.indicator for f in fields]
    values = draw(st.dictionaries(st.sampled_from(ids), texts) if ids else st.just({}))
    notes = draw(st.dictionaries(st.sampled_from(ids), texts) if ids else st.just({}))
    findings: dict[str, list[Finding]] = {}
    for indicator in draw(st.lists(st.sampled_from(ids), max_size=4) if ids else st.just([])):
        findings.setdefault(indicator, []).append(
            Finding(indicator, draw(st.sampled_from(["hard", "soft", "<x>"])), draw(texts), {})
        )
    return {
        "fields": fields,
        "specs": specs,
        "values": values,
        "notes": notes,
        "findings": findings,
    }


@settings(max_examples=150, deadline=None)
@given(form=forms(), lang=st.sampled_from(["zh", "en"]), editable=st.booleans())
def test_rows_are_the_bytes_the_jinja_loop_drew(
    form: dict[str, Any], lang: str, editable: bool
) -> None:
    def finding_text(finding: Finding) -> str:
        return f"{finding.rule} <{finding.indicator}>"

    env = Environment(autoescape=True, undefined=StrictUndefined)
    reference = env.from_string(REFERENCE.read_text(encoding="utf-8")).render(
        lang=lang,
        editable=editable,
        t=lambda key: messages.t(key, lang),
        finding_text=finding_text,
        **form,
    )
    rows = entry_rows(
        form["fields"],
        form["specs"],
        lang,
        values=form["values"],
        notes=form["notes"],
        findings=form["findings"],
        editable=editable,
        finding_text=finding_text,
    )
    assert "\n      <tbody>\n      " + str(rows) + "\n      </tbody>" == reference
    # drawn again from the kept pieces: the same
    again = entry_rows(
        form["fields"],
        form["specs"],
        lang,
        values=form["values"],
        notes=form["notes"],
        findings=form["findings"],
        editable=editable,
        finding_text=finding_text,
    )
    assert again == rows


OVERVIEW_REFERENCE = Path(__file__).with_name("overview_rows_reference.html")
STATES = ["draft", "submitted", "prefecture_approved", "province_approved", "published"]


@settings(max_examples=100, deadline=None)
@given(
    names=st.lists(st.tuples(texts, texts), max_size=6),
    states=st.lists(st.one_of(st.none(), st.sampled_from(STATES)), min_size=6, max_size=6),
    at=st.datetimes(),
    lang=st.sampled_from(["zh", "en"]),
    period_code=st.sampled_from(["2024", "a&b<c>"]),
)
def test_overview_rows_are_the_bytes_the_jinja_loop_drew(
    names: list[tuple[str, str]],
    states: list[str | None],
    at: dt.datetime,
    lang: str,
    period_code: str,
) -> None:
    regions = [
        SimpleNamespace(code=f"52{i:02d}00" if i % 2 else f"<{i}>", name_zh=zh, name_en=en)
        for i, (zh, en) in enumerate(names)
    ]
    submissions = {
        r.code: workflow.SubmissionState(r.code, state, 1, at)
        for r, state in zip(regions, states, strict=False)
        if state is not None
    }
    env = Environment(autoescape=True, undefined=StrictUndefined)
    reference = env.from_string(OVERVIEW_REFERENCE.read_text(encoding="utf-8")).render(
        lang=lang,
        regions=regions,
        submissions=submissions,
        period=SimpleNamespace(code=period_code),
        t=lambda key: messages.t(key, lang),
        href=lambda path: f"{path}?lang={lang}",
    )
    rows = overview_rows(regions, submissions, lang, period_code)
    assert "\n    <tbody>\n    " + str(rows) + "\n    </tbody>" == reference


# ----------------------------------------------------------------- on both backends


def _range_shown(page: str, indicator: str) -> str:
    row = re.search(
        rf'<tr data-indicator="{indicator}">.*?<td class="num small">([^<]*)</td>', page, re.S
    )
    assert row is not None, page
    return row.group(1)


def _set(other: Platform, changes: list[RuleChange], code: str | None = None) -> None:
    admin = actor(other, "admin")
    with other.tx(admin) as s:
        period = workflow.get_period(s, code) if code else None
        fields = list((period or workflow.get_period(s, "2024")).fields)
        indicator_rules.save_rules(s, admin, fields, period, changes)


def test_a_rule_changed_elsewhere_shows_on_the_very_next_page(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    client = TestClient(create_app(platform), base_url=LOCAL, raise_server_exceptions=False)
    csrf = login(client, "filler_gy")
    url = "/periods/2024/520100?lang=en"
    # another server process: its own engine (and its own kept forms and rules)
    other = Platform.open(
        platform.folder, database=platform.engine.url.render_as_string(hide_password=False)
    )
    try:
        first = client.get(url).text
        derived = _range_shown(first, "trade_total")
        steps: list[tuple[list[RuleChange], str | None, str]] = [
            ([RuleChange("trade_total", 0.0, 10.0)], None, "0–10"),
            ([RuleChange("trade_total", -5.0, None)], "2024", "-5–"),
            ([RuleChange("trade_total", 0.0, 1234567.0)], None, "-5–"),  # the period row wins
            ([RuleChange("trade_total", reset=True)], "2024", "0–1.23457e+06"),
            ([RuleChange("trade_total", reset=True)], None, derived),
        ]
        for changes, code, shown in steps:
            _set(other, changes, code)
            assert _range_shown(client.get(url).text, "trade_total") == shown
        # the instant validation reads the same rules
        _set(other, [RuleChange("trade_total", 0.0, 10.0)])
        found = client.post(
            "/api/v1/periods/2024/regions/520100/validate?lang=en",
            json={"values": {"trade_total": 12}},
            headers={"X-CSRF-Token": csrf},
        ).json()["findings"]
        assert [f["rule"] for f in found] == ["above_range"]
        assert _range_shown(client.get(url).text, "trade_total") == "0–10"
    finally:
        other.close()


def test_specs_are_the_effective_rules(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    _set(platform, [RuleChange("trade_total", 0.0, 10.0, 0.2, False), RuleChange("gdp", 1.0)])
    _set(platform, [RuleChange("gdp", None, 5.0, None, True)], "2024")
    with platform.read() as s:
        period = workflow.get_period(s, "2024")
        fields = list(period.fields)
        effective = indicator_rules.effective_rules(s, fields, period)
        specs = workflow.field_specs(s, period)
    assert list(specs) == [f.indicator for f in fields]
    for f in fields:
        rule = effective[f.indicator]
        assert specs[f.indicator] == rules.FieldSpec(
            f.indicator,
            rule.low,
            rule.high,
            f.positive,
            rule.yoy_threshold,
            rule.history_band,
            f.name_zh,
            f.name_en,
        )
    assert (specs["gdp"].low, specs["gdp"].high) == (None, 5.0)
    assert specs["trade_total"].yoy_threshold == 0.2


def test_history_is_the_newest_approved_value_of_five_years(platform: Platform) -> None:
    filler = actor(platform, "filler_gy")
    for year in range(2017, 2024):
        open_period(platform, str(year), year)
        note = {"trade_total": "SIMULATED test value"}
        sub_id = enter(
            platform, filler, str(year), "520100", {"trade_total": str(year - 2000)}, note
        )
        if year == 2021:  # corrected before submitting: the newest version counts
            sub_id = enter(platform, filler, str(year), "520100", {"trade_total": "99"}, note)
        if year == 2022:  # submitted, never approved: not history
            with platform.tx(filler) as s:
                review.submit(s, filler, sub_id)
            continue
        with platform.tx(filler) as s:
            review.submit(s, filler, sub_id)
        approve_fully(platform, sub_id)
    with platform.read(filler) as s:
        history = value_reads.value_history(s, filler, "520100", 2024, ["trade_total", "gdp"])
    assert history == {"trade_total": {2019: 19.0, 2020: 20.0, 2021: 99.0, 2023: 23.0}, "gdp": {}}


def test_period_region_and_submission_in_one_read_keep_the_scope(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    filler = actor(platform, "filler_gy")
    sub_id = enter(platform, filler, "2024", "520100", {"trade_total": "5"})
    enter(platform, actor(platform, "filler_lps"), "2024", "520200", {"trade_total": "6"})
    with platform.read(filler) as s:
        period, region, submission = workflow.period_region_submission(s, filler, "2024", "520100")
        assert (period.code, region.code) == ("2024", "520100")
        assert submission is not None and submission.id == sub_id
        for code, region_code, what in (
            ("2099", "520100", "period"),
            ("2024", "520200", "region"),  # outside the scope: not found, like a missing one
            ("2024", "529999", "region"),
        ):
            with pytest.raises(NotFound) as refused:
                workflow.period_region_submission(s, filler, code, region_code)
            assert refused.value.params["what"] == what
    # complete after the transaction
    assert submission.period is period and submission.state == "draft"
    province = actor(platform, "prov")
    with platform.read(province) as s:
        found = workflow.period_region_submission(s, province, "2024", "520200")[2]
        assert found is not None and found.region_code == "520200"
        # a region without a submission: none
        assert workflow.period_region_submission(s, province, "2024", "520300")[2] is None


def test_reviews_of_a_draft_are_read_unless_it_was_never_submitted(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    filler = actor(platform, "filler_gy")
    pref = actor(platform, "pref_gy")
    note = {"trade_total": "SIMULATED test value"}
    sub_id = enter(platform, filler, "2024", "520100", {"trade_total": "5"}, note)

    def steps() -> tuple[list[str], list[str]]:
        with platform.read(pref) as s:
            submission = workflow.get_submission(s, pref, sub_id)
            shown = [r.action for r in review.reviews_of(s, pref, submission)]
            stored = s.scalars(
                select(Review.action)
                .where(Review.submission_id == sub_id)
                .order_by(Review.at.desc(), Review.id.desc())
            ).all()
        return shown, list(stored)

    assert steps() == ([], [])
    walk = [
        (filler, "submit", "draft"),
        (pref, "return", "submitted"),
        (filler, "submit", "draft"),
        (pref, "approve", "submitted"),
        (actor(platform, "prov"), "return", "prefecture_approved"),
    ]
    for who, action, seen in walk:
        with platform.tx(who) as s:
            if action == "submit":
                review.submit(s, who, sub_id)
            else:
                review.review(s, who, sub_id, action, seen_state=seen, comment="why")
        shown, stored = steps()
        assert shown == stored and shown[0] == action
    assert len(stored) == len(walk)
