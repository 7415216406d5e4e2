import datetime as dt

import pytest

from xiangcun.domain.households.idcard import IdCardError, mask_id, mask_phone, parse

from .factory import id_number


def test_a_valid_number_gives_birth_date_and_sex():
    card = parse(id_number("19800229", female=True))  # 1980 is a leap year
    assert card.birth_date == dt.date(1980, 2, 29)
    assert card.sex == "女"
    assert parse(id_number("20100615", 3)).sex == "男"


def test_the_published_example_with_x():
    # GB 11643 example: 11010519491231002X
    assert parse("11010519491231002x").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "不能为空"),
        ("1234", "不是18位"),
        ("110105194912310021", "校验位应为 X"),
        ("99010519491231002X", "省级行政区划"),
        (id_number("19810229")[:-1] + "0", "出生日期"),  # 1981 has no Feb 29
        (id_number("20991231"), "不合理"),
    ],
)
def test_invalid_numbers(number: str, message: str) -> None:
    with pytest.raises(IdCardError, match=message):
        parse(number, today=dt.date(2026, 1, 1))


def test_masking():
    assert mask_id("14112319800101123X") == "1411**********123X"
    assert mask_phone("13800001234") == "138****1234"
