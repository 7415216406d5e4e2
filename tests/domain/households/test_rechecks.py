"""回头看 facts: only for cleared cases and the staff who verify; findings required, the risk when one is found,
a date neither in the future nor before the risk was cleared."""

from __future__ import annotations

import datetime as dt

import pytest

from xiangcun.domain.households import cases as flow

TODAY = dt.date(2026, 8, 1)
CLEARED = dt.date(2026, 2, 1)


def check(**changes: object) -> dict[str, str]:
    args = {"phase": flow.CLEARED, "role": "village_reporter", "stable": True, "note": "收入稳定", "risk": "",
            "on": dt.date(2026, 7, 20), "today": TODAY, "cleared": CLEARED, **changes}  # fmt: skip
    return flow.check_recheck(**args)  # type: ignore[arg-type]


def test_a_stable_recheck_keeps_its_date_and_result() -> None:
    assert check() == {"date": "2026-07-20", "result": "稳定，无返贫风险", "risk": ""}
    assert check(stable=False, risk=" 因病 ") == {
        "date": "2026-07-20",
        "result": "发现返贫风险",
        "risk": "因病",
    }


@pytest.mark.parametrize(
    "changes, field, message",
    [({"note": " "}, "note", "请写明回头看情况"), ({"stable": False}, "risk", "是什么风险"),
     ({"on": dt.date(2026, 8, 2)}, "date", "不能晚于今天"), ({"on": dt.date(2026, 1, 31)}, "date", "不能早于风险消除日期"),
     ({"on": None}, "date", "请填写回头看日期")],
)  # fmt: skip
def test_missing_or_impossible_facts(changes: dict[str, object], field: str, message: str) -> None:
    with pytest.raises(flow.StepFactsError) as caught:
        check(**changes)
    assert message in caught.value.errors[field]


def test_only_cleared_cases_and_only_the_staff_who_verify() -> None:
    with pytest.raises(flow.CaseError, match="只有风险已消除"):
        check(phase=flow.ASSISTING)
    with pytest.raises(flow.CaseError, match="村、乡镇或县级"):
        check(role="leader")
    assert flow.FACT_LABELS["result"] == "结论"
