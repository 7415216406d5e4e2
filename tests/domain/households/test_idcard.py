import datetime as dt

import numpy as np
import pytest

from xiangcun.domain.households.idcard import (
    IdCardError,
    age_at_end_of_year,
    check_digit,
    check_many,
    mask_id,
    mask_name,
    mask_phone,
    parse,
)

from .factory import id_number

TODAY = dt.date(2026, 1, 1)


def test_check_digit_computed_by_hand():
    # 1·7+4·9+1·10+1·5+2·8+2·4+1·2+9·1+8·6+0·3+0·7+1·9+0·10+1·5+0·8+1·4+3·2 = 165; 165 % 11 = 0 → '1'
    assert check_digit("14112219800101013") == "1"
    assert parse("141122198001010131", TODAY).birth_date == dt.date(1980, 1, 1)


def test_a_valid_number_gives_birth_date_and_sex():
    card = parse(id_number("19800229", female=True), TODAY)  # 1980 is a leap year
    assert card.birth_date == dt.date(1980, 2, 29)
    assert card.sex == "女"
    assert parse(id_number("20100615", 3), TODAY).sex == "男"


def test_the_published_example_with_x_in_either_case():
    # the example of GB 11643-1999: 11010519491231002X
    assert parse("11010519491231002x", TODAY).number == "11010519491231002X"
    assert parse(" 11010519491231002X ", TODAY).sex == "女"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "不能为空"),
        ("1234", "有 4 位，身份证号应为18位"),
        ("1101051949123100211", "有 19 位"),
        ("11010519491231002A", "格式不对"),
        ("110105194912310021", "校验位应为 X"),
        ("99010519491231002X", "前两位「99」不是有效的省级行政区划代码"),
        (id_number("19800101", region="140022"), "第3–4位「00」"),
        (id_number("19900230"), "出生日期 19900230 不存在"),  # Feb 30
        (id_number("19810229"), "出生日期 19810229 不存在"),  # 1981 is not a leap year
        (id_number("18991231"), "早于 1900 年"),
        (id_number("20260102"), "晚于今天"),
    ],
)
def test_invalid_numbers(number: str, message: str) -> None:
    with pytest.raises(IdCardError, match=message):
        parse(number, today=TODAY)


def test_the_column_check_agrees_with_the_single_check():
    numbers = [id_number("19800101"), "11010519491231002X", "110105194912310021", id_number("19900230"),
               id_number("20260102"), "1234", "", id_number("20000229", 7, female=True)]  # fmt: skip
    valid, birth, male = check_many(np.array(numbers), TODAY)
    assert valid.tolist() == [True, True, False, False, False, False, False, True]
    assert birth[1] == np.datetime64("1949-12-31") and np.isnat(birth[2])
    assert male.tolist()[:2] == [True, False] and not male[7]


def test_age_at_the_end_of_the_year_is_year_minus_birth_year():
    assert age_at_end_of_year(dt.date(2018, 12, 31), 2024) == 6
    assert age_at_end_of_year(2009, 2024) == 15


def test_masking():
    assert mask_id("14112319800101123X") == "1411**********123X"
    assert mask_id("1234") == "****"
    assert mask_phone("13800001234") == "138****1234"
    assert mask_phone("0358-1234") == "*******34"
    assert mask_phone("") == ""


def test_mask_name_keeps_only_the_first_character() -> None:
    assert [mask_name(n) for n in ("王大", "欧阳小明", "李", "", " 赵六 ")] == [
        "王*",
        "欧***",
        "*",
        "",
        "赵*",
    ]
