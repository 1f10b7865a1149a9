"""Per-indicator validation rules stored, edited and applied on SQLite and PostgreSQL, over the
service, the page and the API (the pure checks: test_platform_indicator_rules_pure.py)."""

from __future__ import annotations

import io
import json
import math
from urllib.parse import quote

import openpyxl
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from platform_support import ADMIN_PASSWORD, LOCAL, actor, login
from sqlalchemy import func, inspect, select
from test_platform_workflow import approve_fully, enter, open_period

from kaifang.platform import data_entry, indicator_rules, review, rules, workflow
from kaifang.platform.errors import Forbidden, Invalid, Refused
from kaifang.platform.indicator_rules import RuleChange
from kaifang.platform.instance import Platform
from kaifang.platform.models import AuditEntry
from kaifang.platform.rule_models import IndicatorRule
from kaifang.platform.web import create_app

# ----------------------------------------------------------------- stored, on both backends


def _set(platform: Platform, changes: list[RuleChange], code: str | None = None) -> list[str]:
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        period = workflow.get_period(s, code) if code else None
        fields = list(period.fields) if period else _global_fields(platform)
        return indicator_rules.save_rules(s, admin, fields, period, changes)


def _global_fields(platform: Platform) -> list[object]:
    from kaifang.platform.forms import form_fields

    return list(form_fields(platform.framework))


def _count(platform: Platform, model: type) -> int:
    with platform.tx() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_without_rows_the_derived_rules_apply(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    with platform.tx() as s:
        period = workflow.get_period(s, "2024")
        specs = workflow.field_specs(s, period)
        for f in period.fields:
            spec = specs[f.indicator]
            assert (spec.low, spec.high, spec.positive) == (f.low, f.high, f.positive)
            assert spec.yoy_threshold is None and spec.history_band
        assert period.yoy_threshold == rules.YOY_THRESHOLD


def test_global_range_blocks_saving_and_a_period_row_overrides_it(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    filler = actor(platform, "filler_gy")
    # trade_total: derived range [0, +inf); the administrator narrows it to [0, 10]
    assert _set(platform, [RuleChange("trade_total", 0.0, 10.0)]) == ["trade_total"]
    enter(platform, filler, "2024", "520100", {"trade_total": "10"})
    with pytest.raises(Invalid) as bad, platform.tx(filler) as s:
        data_entry.save_values(
            s, filler, workflow.get_period(s, "2024"), "520100", {"trade_total": "11"}
        )
    [finding] = bad.value.findings
    assert (finding.indicator, finding.rule) == ("trade_total", "above_range")
    assert finding.params["value"] == 11.0 and finding.params["range"] == "[0, 10]"
    assert finding.params["name_zh"] == "进出口总额与地区生产总值之比（外贸依存度）"
    # the period's own row takes precedence; its reset brings the global row back
    assert _set(platform, [RuleChange("trade_total", 0.0, 20.0)], "2024") == ["trade_total"]
    enter(platform, filler, "2024", "520100", {"trade_total": "11"})
    assert _set(platform, [RuleChange("trade_total", reset=True)], "2024") == ["trade_total"]
    with pytest.raises(Invalid), platform.tx(filler) as s:
        data_entry.save_values(
            s, filler, workflow.get_period(s, "2024"), "520100", {"trade_total": "12"}
        )
    # a negative value becomes possible when the administrator lowers the minimum
    _set(platform, [RuleChange("trade_total", -5.0, None)])
    enter(platform, filler, "2024", "520100", {"trade_total": "-5"})


def test_per_indicator_threshold_and_band_decide_the_soft_rules(platform: Platform) -> None:
    filler = actor(platform, "filler_gy")
    for year, value in ((2021, "100"), (2022, "100"), (2023, "100")):
        open_period(platform, str(year), year)
        sub_id = enter(platform, filler, str(year), "520100", {"trade_total": value})
        with platform.tx(filler) as s:
            review.submit(s, filler, sub_id)
        approve_fully(platform, sub_id)
    open_period(platform, "2024", 2024)
    # 130 on 100: +30%, within the period's 50%, but above the three-year band [100, 100]
    sub_id = enter(platform, filler, "2024", "520100", {"trade_total": "130"})
    with platform.tx(filler) as s:
        found = data_entry.check_cells(
            s, filler, workflow.get_period(s, "2024"), "520100", {"trade_total": "130"}
        )
    assert [f.rule for f in found] == ["outside_history"]
    # the administrator: 20% for this indicator, and no band
    _set(platform, [RuleChange("trade_total", 0.0, None, 0.2, False)])
    with platform.tx(filler) as s:
        found = data_entry.check_cells(
            s, filler, workflow.get_period(s, "2024"), "520100", {"trade_total": "130"}
        )
    assert [(f.rule, f.params["threshold"]) for f in found] == [("yoy_change", 20)]
    with pytest.raises(Invalid) as unexplained, platform.tx(filler) as s:
        review.submit(s, filler, sub_id)
    assert [f.rule for f in unexplained.value.findings] == ["yoy_change"]
    # band off, threshold back to the period's: nothing to explain
    _set(platform, [RuleChange("trade_total", 0.0, None, None, False)])
    with platform.tx(filler) as s:
        assert review.submit(s, filler, sub_id).state == "submitted"


def test_bad_changes_are_refused_all_at_once_and_nothing_is_saved(platform: Platform) -> None:
    rows, entries = _count(platform, IndicatorRule), _count(platform, AuditEntry)
    with pytest.raises(Invalid) as bad:
        _set(
            platform,
            [
                RuleChange("gdp", 1.0, 2.0),  # good, but not saved with the bad ones
                RuleChange("trade_total", 10.0, 5.0),
                RuleChange("no_such_indicator", 0.0, 1.0),
                RuleChange("fdi_actual", 0.0, None, 0.0),
                RuleChange("fdi_contracted", 0.0, None, -1.0),
            ],
        )
    assert bad.value.key == "rules_invalid"
    assert [(f.indicator, f.rule) for f in bad.value.findings] == [
        ("trade_total", "range_reversed"),
        ("no_such_indicator", "unknown_indicator"),
        ("fdi_actual", "bad_rule_threshold"),
        ("fdi_contracted", "bad_rule_threshold"),
    ]
    assert (_count(platform, IndicatorRule), _count(platform, AuditEntry)) == (rows, entries)


def test_only_the_administrator_edits_and_every_change_is_audited(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    for name in ("filler_gy", "pref_gy", "prov", "viewer_gy"):
        who = actor(platform, name)
        with pytest.raises(Forbidden), platform.tx(who) as s:
            indicator_rules.save_rules(
                s, who, _global_fields(platform), None, [RuleChange("gdp", 1.0, 2.0)]
            )
    assert _count(platform, IndicatorRule) == 0
    _set(platform, [RuleChange("gdp", 1.0, 2.0, 0.3)])
    # saving the same again, or the inherited rules where there is no row, writes nothing
    assert _set(platform, [RuleChange("gdp", 1.0, 2.0, 0.3)]) == []
    assert _set(platform, [RuleChange("trade_total", 0.0, None)]) == []
    assert _set(platform, [RuleChange("gdp", reset=True)]) == ["gdp"]
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        found = review.audit_entries(s, admin, review.AuditFilter(object_id="*/gdp"))
        assert [(e.action, e.before, e.after) for e in found] == [
            (
                "rule_reset",
                {"low": 1.0, "high": 2.0, "yoy_threshold": 0.3, "history_band": True},
                None,
            ),
            (
                "rule_set",
                None,
                {"low": 1.0, "high": 2.0, "yoy_threshold": 0.3, "history_band": True},
            ),
        ]
        assert {e.actor for e in found} == {"admin"}
        assert review.verify_audit(s, admin) is None
    assert _count(platform, IndicatorRule) == 0


def test_the_rules_of_a_published_period_are_frozen(platform: Platform) -> None:
    filler = actor(platform, "filler_gy")
    open_period(platform, "2023", 2023)
    sub_id = enter(platform, filler, "2023", "520100", {"gdp": "1"})
    with platform.tx(filler) as s:
        review.submit(s, filler, sub_id)
    approve_fully(platform, sub_id)
    admin = actor(platform, "admin")
    with platform.tx(admin) as s:
        review.publish(s, admin, "2023")
    with pytest.raises(Refused) as frozen:
        _set(platform, [RuleChange("gdp", 0.0, 5.0)], "2023")
    assert frozen.value.key == "period_published"


# ------------------------------------------------------------------------ page and API


def test_rules_page_saves_all_or_nothing_in_both_languages(platform: Platform) -> None:
    client = TestClient(create_app(platform), base_url=LOCAL, raise_server_exceptions=False)
    csrf = login(client, "admin", ADMIN_PASSWORD)
    page = client.get("/rules?lang=zh")
    assert page.status_code == 200 and "指标校验规则" in page.text
    assert 'name="low:trade_total"' in page.text
    bad = client.post(
        "/rules?lang=zh",
        data={
            "csrf": csrf,
            "row:gdp": "1",
            "low:gdp": "1",
            "high:gdp": "9",
            "band:gdp": "on",
            "row:trade_total": "1",
            "low:trade_total": "50",
            "high:trade_total": "5",
            "band:trade_total": "on",
            "row:fdi_actual": "1",
            "low:fdi_actual": "abc",
            "yoy:fdi_actual": "0",
        },
    )
    assert bad.status_code == 422
    assert "规则设置有误，未保存任何修改" in bad.text
    assert "进出口总额与地区生产总值之比（外贸依存度）：下限 50 大于上限 5" in bad.text
    assert "下限“abc”不是数字" in bad.text
    assert 'value="abc"' in bad.text  # what was typed is kept for correction
    assert _count(platform, IndicatorRule) == 0
    good = client.post(
        "/rules?lang=en",
        data={
            "csrf": csrf,
            "row:trade_total": "1",
            "low:trade_total": "0",
            "high:trade_total": "10",
            "yoy:trade_total": "35",
            "row:gdp": "1",
            "low:gdp": "0",
            "high:gdp": "",
            "band:gdp": "on",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303, good.text
    shown = client.get(good.headers["location"])
    assert "1 rule changes saved" in shown.text
    assert 'name="yoy:trade_total" id="yoy-trade_total" value="35"' in shown.text
    with platform.tx() as s:
        row = s.scalars(select(IndicatorRule)).one()
        assert (row.indicator, row.low, row.high, row.yoy_threshold, row.history_band) == (
            "trade_total",
            0.0,
            10.0,
            0.35,
            False,
        )
    # without the CSRF token nothing happens
    forged = client.post("/rules", data={"row:gdp": "1", "low:gdp": "3"})
    assert forged.status_code == 409
    assert _count(platform, IndicatorRule) == 1


def test_filler_reads_the_rules_and_sees_the_range_fire(platform: Platform) -> None:
    open_period(platform, "2024", 2024)
    admin = TestClient(create_app(platform), base_url=LOCAL, raise_server_exceptions=False)
    admin_csrf = login(admin, "admin", ADMIN_PASSWORD)
    answer = admin.put(
        "/api/v1/periods/2024/rules/trade_total",
        json={"low": 0, "high": 10, "yoy_threshold": 0.25, "history_band": True},
        headers={"X-CSRF-Token": admin_csrf},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["rule"]["source"] == "period"
    assert answer.json()["rule"]["updated_by"] == "admin"
    filler = TestClient(create_app(platform), base_url=LOCAL, raise_server_exceptions=False)
    csrf = login(filler, "filler_gy")
    listed = filler.get("/api/v1/periods/2024/rules").json()["rules"]
    rule = next(r for r in listed if r["indicator"] == "trade_total")
    assert (rule["low"], rule["high"], rule["yoy_threshold"]) == (0, 10, 0.25)
    assert (
        next(
            r
            for r in filler.get("/api/v1/rules").json()["rules"]
            if r["indicator"] == "trade_total"
        )["source"]
        == "default"
    )
    form = filler.get("/api/v1/periods/2024/form").json()
    assert next(f for f in form if f["indicator"] == "trade_total")["high"] == 10
    # the Excel template lists the range that applies now
    book = openpyxl.load_workbook(
        io.BytesIO(filler.get("/periods/2024/520100/template.xlsx?lang=en").content)
    )
    listed_rows = {r[0]: r for r in book["indicators"].iter_rows(min_row=2, values_only=True)}
    assert listed_rows["trade_total"][4:6] == (0, 10)
    refused = filler.put(
        "/api/v1/periods/2024/regions/520100/values?lang=en",
        json={"values": {"trade_total": 12}},
        headers={"X-CSRF-Token": csrf},
    )
    assert refused.status_code == 422
    [finding] = refused.json()["findings"]
    trade = "Total imports and exports relative to GDP (trade openness)"
    assert finding["message"] == f"{trade}: 12 is above the maximum (allowed range [0, 10])"
    page = filler.get("/rules/periods/2024?lang=zh")
    assert "只有省级管理员可以修改校验规则" in page.text and 'name="low:' not in page.text
    # the filler may not change it, over the API or the page
    denied = filler.delete("/api/v1/periods/2024/rules/trade_total", headers={"X-CSRF-Token": csrf})
    assert denied.status_code == 403
    # bad input over the API: min above max, a text, an unknown indicator
    headers = {"X-CSRF-Token": admin_csrf}
    reversed_range = admin.put(
        "/api/v1/rules/trade_total?lang=en", json={"low": 5, "high": 1}, headers=headers
    )
    assert reversed_range.status_code == 422
    assert reversed_range.json()["findings"][0]["message"] == (
        f"{trade}: the minimum 5 is above the maximum 1"
    )
    text = admin.put("/api/v1/rules/trade_total", json={"low": "abc", "high": 1}, headers=headers)
    assert text.status_code == 422 and text.json()["error"] == "bad_request"
    unknown = admin.put("/api/v1/rules/nope", json={"low": 0, "high": 1}, headers=headers)
    assert (
        unknown.status_code == 422 and unknown.json()["findings"][0]["rule"] == "unknown_indicator"
    )
    reset = admin.delete("/api/v1/periods/2024/rules/trade_total", headers=headers)
    assert reset.status_code == 200 and reset.json()["rule"]["source"] == "default"
    saved = filler.put(
        "/api/v1/periods/2024/regions/520100/values",
        json={"values": {"trade_total": 12}},
        headers={"X-CSRF-Token": csrf},
    )
    assert saved.status_code == 200, saved.text


def test_migration_matches_the_model(platform: Platform, backend: str) -> None:
    """Alembic finds nothing to change in the rules table the migration made (the partial
    unique index and the checks included)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kaifang.platform.models import Base

    owner = Platform.open(platform.folder) if backend == "postgresql" else platform
    with owner.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    if owner is not platform:
        owner.close()
    ours = [d for d in diff if "indicator_rules" in repr(d)]
    assert ours == []
    with platform.tx() as s:
        names = {i["name"] for i in inspect(s.connection()).get_indexes("indicator_rules")}
    assert "uq_indicator_rules_global" in names


NUMBER = (
    st.none()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(-(2**70), 2**70)
    | st.text(max_size=12)
    | st.booleans()
)
RULE = st.fixed_dictionaries(
    {},
    optional={
        "low": NUMBER,
        "high": NUMBER,
        "yoy_threshold": NUMBER,
        "history_band": NUMBER,
        "extra": NUMBER,
    },
)
INDICATOR = st.sampled_from(["trade_total", "gdp", "fdi_actual", "nope", "", "%00"]) | st.text(
    min_size=1, max_size=70
)
FORM_TEXT = st.sampled_from(["", "0", "-1", "1e400", "nan", "inf", "abc", "50", "1,000", "NA"])


def test_rules_api_and_page_never_fail_and_never_store_a_bad_rule(platform: Platform) -> None:
    """Fuzzed as the administrator (who passes the role check and reaches the parsing): no 5xx,
    no traceback, and every stored row is a valid rule."""
    open_period(platform, "2024", 2024)
    client = TestClient(create_app(platform), base_url=LOCAL, raise_server_exceptions=False)
    csrf = login(client, "admin", ADMIN_PASSWORD)
    headers = {"X-CSRF-Token": csrf, "content-type": "application/json"}

    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.sampled_from(["PUT", "DELETE", "GET"]),
        st.sampled_from(["/api/v1/rules/{i}", "/api/v1/periods/{p}/rules/{i}"]),
        st.sampled_from(["2024", "nope", ""]) | st.text(max_size=25),
        INDICATOR,
        RULE,
        st.dictionaries(
            st.sampled_from(["low", "high", "yoy", "band", "reset", "row"]),
            FORM_TEXT | st.text(max_size=30),
            max_size=6,
        ),
        st.sampled_from(["/rules", "/rules/periods/2024", "/rules/periods/nope"]),
    )
    def run(
        method: str,
        template: str,
        period: str,
        indicator: str,
        body: dict[str, object],
        form: dict[str, str],
        page: str,
    ) -> None:
        path = template.format(p=quote(period, safe=""), i=quote(indicator, safe=""))
        answer = client.request(method, path, content=json.dumps(body).encode(), headers=headers)
        assert answer.status_code < 500, answer.text[:300]
        assert "Traceback" not in answer.text
        fields = {f"{k}:{indicator[:20]}": v for k, v in form.items()}
        posted = client.post(page, data={**fields, "csrf": csrf}, follow_redirects=False)
        assert posted.status_code < 500, posted.text[:300]
        assert "Traceback" not in posted.text

    run()
    admin = actor(platform, "admin")
    with platform.tx() as s:
        for row in s.scalars(select(IndicatorRule)):
            for bound in (row.low, row.high):
                assert bound is None or math.isfinite(bound)
            assert row.low is None or row.high is None or row.low <= row.high
            assert row.yoy_threshold is None or 0 < row.yoy_threshold <= 10
        assert review.verify_audit(s, admin) is None
