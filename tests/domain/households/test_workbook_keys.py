"""The checks across sheets give the same errors whether the rows are kept or go to a sink (the import),
however the sheets are cut into chunks: the sink path keeps only integer keys (issue 12)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest

from xiangcun.domain.households import workbook as wb
from xiangcun.domain.households.workbook import SHEETS, read_registry

from .factory import finance, household, id_number, member, workbook

VILLAGES = {"140000001201"}
TODAY = dt.date(2026, 1, 1)


def registry_rows() -> tuple[list[dict], list[dict], list[dict]]:  # type: ignore[type-arg]
    """30 households and everything the cross-sheet checks report, spread over the file so that the pairs
    fall in different chunks: a repeated 户编号, members and 收支 rows of no household (the same unknown code
    twice, a blank one), a person in two households, a person twice in one household, equal invalid
    身份证号 (not a repeat), households without members and repeated 收支 years (also of unknown and blank
    codes), with a non-ASCII 户编号 among them."""
    codes = [f"H{n:03d}" for n in range(30)] + ["户甲01"]
    households = [household(code) for code in codes]
    households.insert(12, household("H005", 户主姓名="重复"))  # repeats H005 (row 2 + 5)
    members = [
        member(code, id_number("19800101", n), 姓名=f"成员{n}")
        for n, code in enumerate(codes)
        if code not in ("H007", "H021")  # households without members
    ]
    members += [
        member("X99", id_number("19900101", 1)),  # no such household, twice
        member("H003", id_number("19800101", 10)),  # the person of H010 again, in another household
        member("H004", id_number("19800101", 4)),  # H004's own person again
        member("户甲01", id_number("19700101", 2)),
        member("H011", "141122198013019991"),  # invalid, twice: reported as invalid, not as a repeat
        member("H012", "141122198013019991"),
        member("X99", id_number("19900101", 2)),
        member("户甲01", id_number("19700101", 2)),  # twice in the non-ASCII household
        member("H005", id_number("19600101", 1)),  # the repeated code: counts for its first row
    ]
    finances = [finance(code, 2024) for code in codes]
    finances += [
        finance("H001", 2024),  # repeated year
        finance("X98", 2023),
        finance("户甲01", 2024),
        finance("", 2022),
        finance("X98", 2023),  # unknown code, same year twice
        finance("", 2022),
        finance("H002", 2023),
        finance("H002", 2023),
    ]
    return households, members, finances


def csv_files(households: list[dict], members: list[dict], finances: list[dict]) -> dict[str, bytes]:  # type: ignore[type-arg]
    records = {"户": households, "成员": members, "收支": finances}
    return {
        name: "\n".join(
            [",".join(columns), *(",".join(str(r[c]) for c in columns) for r in records[name])]
        ).encode()
        + b"\n"
        for name, columns in SHEETS.items()
    }


def read(data: Any, sink: bool, **kw: Any) -> wb.Registry:
    received: list[str] = []
    registry = read_registry(
        data, "r.xlsx", VILLAGES, today=TODAY, sink=(lambda s, c: received.append(s)) if sink else None, **kw
    )
    return registry


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wb, "_CHUNK", 7)  # xlsx rows per chunk
    monkeypatch.setattr(wb._CsvRows, "BLOCK", 150)  # CSV characters per block: a few rows


@pytest.fixture(params=["xlsx", "csv"])
def files(request: pytest.FixtureRequest) -> Any:
    rows = registry_rows()
    return workbook(*rows) if request.param == "xlsx" else csv_files(*rows)


def test_the_sink_path_reports_the_same_errors_as_the_kept_rows(files: Any) -> None:
    kept, sunk = read(files, sink=False), read(files, sink=True)
    assert [str(e) for e in sunk.errors] == [str(e) for e in kept.errors]
    assert sunk.error_count == kept.error_count
    found = "\n".join(str(e) for e in kept.errors)
    for expected in [
        "「户」表第14行「户编号」列：「H005」与第7行重复",
        "「户」表第9行「户编号」列：户「H007」在「成员」表中没有任何成员",
        "「户」表第24行「户编号」列：户「H021」在「成员」表中没有任何成员",
        "「成员」表第31行「户编号」列：「X99」在「户」表中不存在",
        "「成员」表第37行「户编号」列：「X99」在「户」表中不存在",
        "「成员」表第32行「身份证号」列：与第11行（户 H010）重复：同一人不能登记在两户",
        "「成员」表第33行「身份证号」列：与第6行重复：同一户中重复登记",
        "「成员」表第38行「身份证号」列：与第34行重复：同一户中重复登记",
        "「收支」表第33行「年度」列：户「H001」的 2024 年收支与第3行重复",
        "「收支」表第34行「户编号」列：「X98」在「户」表中不存在",
        "「收支」表第35行「年度」列：户「户甲01」的 2024 年收支与第32行重复",
        "「收支」表第37行「户编号」列：「X98」在「户」表中不存在",
        "「收支」表第36行「户编号」列：不能为空",
        "「收支」表第37行「年度」列：户「X98」的 2023 年收支与第34行重复",
        "「收支」表第38行「年度」列：户「」的 2022 年收支与第36行重复",
        "「收支」表第40行「年度」列：户「H002」的 2023 年收支与第39行重复",
    ]:
        assert expected in found
    assert "「H005」在「户」表中不存在" not in found and "「成员」表第36行「身份证号」列：与" not in found
    assert "户「户甲01」在「成员」表中没有任何成员" not in found


@pytest.mark.parametrize("max_errors", [1, 3, 6, 10])
def test_the_same_errors_are_kept_when_there_are_too_many(files: Any, max_errors: int) -> None:
    kept, sunk = read(files, False, max_errors=max_errors), read(files, True, max_errors=max_errors)
    assert [str(e) for e in sunk.errors] == [str(e) for e in kept.errors]
    assert sunk.error_count == kept.error_count > max_errors


def test_a_clean_registry_read_through_a_sink_knows_each_rows_household() -> None:
    codes = [f"H{n:03d}" for n in range(25)] + ["户甲01"]
    households = [household(code) for code in codes]
    members = [member(code, id_number("19800101", n)) for n, code in enumerate(codes)]
    members += [member(code, id_number("19800101", n, female=True)) for n, code in enumerate(codes[::3])]
    finances = [finance(code, year) for code in codes for year in (2023, 2024)]
    for data in (workbook(households, members, finances), csv_files(households, members, finances)):
        kept, sunk = read(data, sink=False), read(data, sink=True)
        assert kept.ok and sunk.ok, [str(e) for e in kept.errors + sunk.errors]
        assert (
            len(sunk.households) == len(sunk.members) == len(sunk.finances) == 0
        )  # the rows went to the sink
        assert sunk.household_rows.tolist() == kept.household_rows.tolist() == list(range(2, len(codes) + 2))
        assert sunk.member_household.tolist() == kept.member_household.tolist()
        assert sunk.finance_household.tolist() == kept.finance_household.tolist()
        assert kept.finance_household.tolist() == [k for k in range(len(codes)) for _ in range(2)]
        assert sunk.member_rows.tolist() == kept.member_rows.tolist() == list(range(2, len(members) + 2))


def test_a_year_out_of_range_still_finds_repeated_years() -> None:
    households = [household("H001"), household("H002")]
    members = [member("H001"), member("H002", id_number("19800101", 2))]
    finances = [finance("H001", 2024), finance("H001", 99999), finance("H002", 99999), finance("H001", 99999)]
    for sink in (False, True):
        messages = [str(e) for e in read(csv_files(households, members, finances), sink).errors]
        assert "「收支」表第5行「年度」列：户「H001」的 99999 年收支与第3行重复" in messages
        assert not any("第4行「年度」列：户" in m for m in messages)


def test_codes_whose_hashes_collide_are_still_told_apart(files: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Codes are matched on 64-bit hashes checked against the texts: an unknown code hashing like a household
    is still unknown, and households hashing alike make the reader sort the codes themselves."""
    expected = [str(e) for e in read(files, sink=True).errors]
    real = wb._hashes

    def unknown_like_h001(codes: np.ndarray, width: int) -> np.ndarray:
        hashes = real(codes, width)
        hashes[np.strings.startswith(codes, b"X")] = real(np.array([b"H001"]), width)[0]
        return hashes

    monkeypatch.setattr(wb, "_hashes", unknown_like_h001)
    assert [str(e) for e in read(files, sink=True).errors] == expected
    monkeypatch.setattr(wb, "_hashes", lambda codes, width: np.zeros(len(codes), np.uint64))
    assert [str(e) for e in read(files, sink=True).errors] == expected
