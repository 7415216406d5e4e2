"""The report's content from plain data: sections, formatted numbers and rule-based suggestions."""

from __future__ import annotations

from xiangcun.domain import report as domain


def line(name: str, status: str, **kw: object) -> domain.TargetLine:
    base = {"indicator": name, "dimension": "生态宜居", "unit": "%", "year": 2025, "op": ">=", "value": 85.0,
            "text": "", "binding": False, "expected": 80.0, "latest": 72.25, "latest_year": 2025, "status": status,
            "warning": False, "explanation": "说明", "department": "农业农村局"}  # fmt: skip
    base.update(kw)
    return domain.TargetLine(**base)  # type: ignore[arg-type]


def data(**kw: object) -> domain.ReportData:
    base = {"region": "测试县", "level": "county", "year": 2025, "as_of": 2026, "generated": "2026年01月05日"}
    base.update(kw)
    return domain.ReportData(**base)  # type: ignore[arg-type]


def texts(section: domain.Section) -> str:
    out = []
    for block in section.blocks:
        if isinstance(block, domain.Paragraph | domain.Heading):
            out.append(block.text)
        elif isinstance(block, domain.Table):
            out += [" ".join(r) for r in block.rows]
    return "\n".join(out)


def test_seven_sections_in_order_even_without_data():
    sections = domain.build(data())
    assert [s.title for s in sections] == list(domain.TITLES)
    assert "不足以计算乡村振兴指数" in texts(sections[0])
    assert "项目库尚未启用" in texts(sections[4])
    assert "2025年尚未登记任务分解和考核数据" in texts(sections[5])
    assert "未发现需要特别说明的问题" in texts(sections[6])


def test_target_row_uses_the_product_number_format():
    row = domain.target_row(
        line("农村卫生厕所普及率", "未达标", binding=True, value=85, latest=1234.5, unit="个")
    )
    assert row[:5] == ["农村卫生厕所普及率（约束性）", "2025年 ≥ 85 个", "80", "2025年 1,235", "未达标"]


def test_tables_per_dimension_and_warnings():
    targets = [line("甲", "已达标", dimension="产业兴旺"), line("乙", "未达标", binding=True, warning=True)]
    sections = domain.build(data(targets=targets))
    headings = [b.text for b in sections[1].blocks if isinstance(b, domain.Heading)]
    assert headings == ["（一）产业兴旺", "（二）生态宜居"]
    assert "2 项约束性指标中" not in texts(sections[2]) and "1 项触发预警" in texts(sections[2])


def test_suggestions_come_from_rules_over_the_data():
    targets = [line("乙", "未达标", binding=True, warning=True), line("丙", "严重滞后", dimension="治理有效",
               department="组织部"), line("丁", "进度偏慢"), line("戊", "数据不足", latest=None)]  # fmt: skip
    text = texts(
        domain.suggestions(
            data(
                targets=targets,
                index_dimensions=[80.0, 70.0, 40.0, 60.0, 75.0],
                households={"overdue": 3},
                tasks=domain.TaskFigures(
                    3, {"已完成": 2, "滞后": 1}, [{"task": "改厕", "department": "住建局", "days": 12}], {}
                ),
            )
        )  # fmt: skip
    )
    assert "约束性指标预警 1 项：乙（未达标）" in text
    assert "农业农村局针对“乙”（2025年 ≥ 85.00 %，实际 2025年 72.25 %）" in text
    assert "治理有效维度有 1 项指标严重滞后：丙" in text and "组织部对照治理有效维度" in text
    assert "1 项指标进度偏慢：丁" in text and "缺少已审核数据" in text
    assert "乡风文明维度得分 40.0 分" in text
    assert "3 件案件的办理步骤超过时限" in text
    assert "1 项任务逾期未完成" in text and "住建局对逾期任务" in text


def test_charts_only_where_there_is_something_to_draw():
    overview = domain.overview(data(index_overall=70.0, index_dimensions=[70.0] * 5, trend=[(2024, None), (2025, 70.0)],
                                    ranking=[("甲镇", 72.0), ("乙乡", 68.0)], targets=[line("乙", "已达标")]))  # fmt: skip
    assert [b.key for b in overview.blocks if isinstance(b, domain.Chart)] == ["trend", "status", "ranking"]
    empty = domain.overview(data())
    assert not [b for b in empty.blocks if isinstance(b, domain.Chart)]


def test_a_ranking_of_hundreds_of_townships_draws_the_first_and_last_fifteen():
    ranking = [(f"第{i}镇", 100.0 - i / 10) for i in range(400)]
    overview = domain.overview(data(index_overall=70.0, index_dimensions=[70.0] * 5, ranking=ranking))
    chart = next(b for b in overview.blocks if isinstance(b, domain.Chart) and b.key == "ranking")
    assert chart.labels == [name for name, _ in ranking[:15] + ranking[-15:]]
    assert "共 400 个乡镇" in chart.caption and "前 15 名和后 15 名" in chart.caption
    few = domain.overview(data(index_overall=70.0, index_dimensions=[70.0] * 5, ranking=ranking[:30]))
    assert len(next(b for b in few.blocks if isinstance(b, domain.Chart) and b.key == "ranking").labels) == 30


def test_money_keeps_four_decimals_with_separators():
    assert domain.money("21846.5893") == "21,846.5893"
