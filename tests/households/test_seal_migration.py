"""The migration that seals numbers already stored: plain rows come out sealed, hashed and still readable."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from xiangcun.households.services import member_by_id_number

BEFORE = [("households", "0007_column_mapping")]
NUMBER, PHONE = "140101198001011234", "13912345678"


@pytest.mark.django_db(transaction=True)
def test_existing_numbers_are_sealed_and_found_by_hash() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Region = old.get_model("regions", "Region")
    Household = old.get_model("households", "Household")
    Member = old.get_model("households", "Member")
    village = Region.objects.create(code="140000001201", name="甲一村", level="village", depth=5, path="x")
    home = Household.objects.create(code="A001", village=village, head_name="张三", phone=PHONE,
                                    household_type="一般农户", housing_grade="A")  # fmt: skip
    Member.objects.create(household=home, name="张三", id_number=NUMBER, sex="男", birth_date="1980-01-01",
                          relation="户主", labor="普通劳动力", health="健康", schooling="非在校")  # fmt: skip
    Household.objects.create(code="A002", village=village, head_name="李四", phone="", household_type="一般农户",
                             housing_grade="A")  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_hash FROM households_household ORDER BY code")
        (sealed_phone, phone_hash), (empty, empty_hash) = cursor.fetchall()
        cursor.execute("SELECT id_number FROM households_member")
        (sealed_number,) = cursor.fetchone()
    assert sealed_phone.startswith("enc1:") and PHONE not in sealed_phone and len(phone_hash) == 64
    assert (empty, empty_hash) == ("", "")
    assert sealed_number.startswith("enc1:") and NUMBER not in sealed_number
    person = member_by_id_number(NUMBER).select_related("household").get()
    assert (person.id_number, person.household.phone) == (NUMBER, PHONE)
