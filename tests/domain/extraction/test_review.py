"""The review page's help from the reader: quotes found in their source lines, a selection read as a target."""

from __future__ import annotations

from xiangcun.domain.extraction.review import locate_quote, read_selection, segments


def test_quote_on_one_line_and_wrapped_over_two():
    lines = ["第一章", "到2025年，完成新改建“四好农村路”180", "公里、滨河景观旅游公路136公里。"]
    assert locate_quote(lines, "第一章") == {1: (0, 3)}
    quote = "完成新改建“四好农村路”180公里、滨河景观旅游公路136公里"
    spans = locate_quote(lines, quote, line=3)
    assert spans == {2: (7, 22), 3: (0, 16)}
    assert "".join(lines[n - 1][a:b] for n, (a, b) in sorted(spans.items())) == quote
    # without the reader's line number the quote is still found
    assert locate_quote(lines, quote) == spans
    assert locate_quote(lines, "不在原文中的话") == {}
    assert locate_quote([], "x") == {} and locate_quote(lines, "") == {}


def test_segments_mark_the_spans_and_keep_the_text():
    parts = segments("到2025年，村庄绿化覆盖率达到30%以上。", [(7, 21)])
    assert parts == [("到2025年，", False), ("村庄绿化覆盖率达到30%以上", True), ("。", False)]
    assert segments("abc", []) == [("abc", False)]
    assert segments("abcdef", [(1, 3), (2, 5)]) == [("a", False), ("bcde", True), ("f", False)]


def test_selection_the_reader_understands_is_read_by_its_rules():
    read = read_selection("到2025年，全县农村卫生厕所普及率达到85%以上", (2021, 2025))
    assert (read["subject"], read["value"], read["unit"], read["op"], read["year"], read["scope"]) == (
        "农村卫生厕所普及率", 85.0, "%", ">=", 2025, "全县",
    )  # fmt: skip
    count = read_selection("建设产地集配中心9个", (2021, 2025))
    assert (count["subject"], count["value"], count["unit"]) == ("产地集配中心数量", 9.0, "个")


def test_selection_the_reader_misses_still_prefills_number_unit_subject_and_year():
    # no verb before the number: the reader's rules skip it, the form still gets what is there
    read = read_selection("流动文化进基层200场次", (2021, 2025), line_text="2024年，流动文化进基层200场次。")
    assert (read["subject"], read["value"], read["unit"], read["year"]) == (
        "流动文化进基层",
        200.0,
        "场次",
        2024,
    )
    after = read_selection("对17.49平方公里河源区实施治理")
    assert (after["value"], after["unit"], after["subject"]) == (17.49, "平方公里", "河源区实施治理")
    nothing = read_selection("加强组织领导")
    assert nothing["value"] is None and nothing["quote"] == "加强组织领导"
    assert read_selection("   ")["quote"] == ""


def test_the_words_before_a_selection_in_its_sentence_give_year_and_every_year():
    line = "2019年已建成3个。每年流动文化进基层200场次，丰富群众文化生活。"
    read = read_selection("流动文化进基层200场次", (2021, 2025), line)
    assert read["per_year"] is True and read["year"] is None  # 2019 is another sentence's (and the past)
    later = read_selection("流动文化进基层200场次", (2021, 2025), "到2024年，流动文化进基层200场次。")
    assert later["year"] == 2024 and later["per_year"] is False
