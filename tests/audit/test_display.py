"""How the audit log writes values for people (audit.display)."""

from __future__ import annotations


def test_a_list_of_objects_is_shown_in_words_with_the_models_labels():
    from xiangcun.audit.display import _plain

    columns = [{"label": "面积", "type": "decimal", "required": True, "choices": [], "unit": "平方米"}]
    labels = {
        "label": "列名",
        "type": "类型",
        "required": "必填",
        "choices": "选项",
        "unit": "单位",
        "decimal": "小数",
    }
    assert _plain(columns, labels) == "列名：面积；类型：小数；必填：是；选项：（空）；单位：平方米"
