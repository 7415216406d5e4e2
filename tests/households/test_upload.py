"""The upload page: three CSV files, the column-mapping step with its preview, the mapping saved per county."""

from __future__ import annotations

import csv
import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.domain.households.factory import finance, household, id_number, member
from xiangcun.domain.households.workbook import SHEETS
from xiangcun.households.models import ColumnMapping, Household, Member

pytestmark = pytest.mark.django_db
RENAME = {"户主姓名": "户主", "身份证号": "证件号码"}
FIELDS = {"户": "csv_households", "成员": "csv_members", "收支": "csv_finances"}


def csv_files(renamed: bool = False, bad_id: bool = False, encoding: str = "utf-8-sig") -> dict[str, bytes]:
    records = {
        "户": [household("A001"), household("A002", 户主姓名="李四")],
        "成员": [member("A001", id_number("19800101", 1)),
                 member("A002", "110105194912310021" if bad_id else id_number("19700101", 2), 姓名="李四")],
        "收支": [finance("A001", 2025), finance("A002", 2025)],
    }  # fmt: skip
    out = {}
    for sheet, columns in SHEETS.items():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([RENAME.get(c, c) if renamed else c for c in columns])
        writer.writerows([r[c] for c in columns] for r in records[sheet])
        out[sheet] = buffer.getvalue().encode(encoding)
    return out


def post_files(client, files: dict[str, bytes], action: str = ""):  # type: ignore[no-untyped-def]
    data = {FIELDS[s]: SimpleUploadedFile(f"{s}.csv", content) for s, content in files.items()}
    return client.post(reverse("households:upload"), {**data, "action": action})


def selects(page: str) -> dict[str, str]:
    """The mapping page's selects as a POST would send them (the preselected option of each)."""
    import re

    out = {}
    for name, body in re.findall(r'<select name="((?:map|sheet):[^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option(?: value="([^"]*)")? selected>([^<]*)</option>', body)
        out[name] = (
            chosen.group(1) if chosen and chosen.group(1) is not None else (chosen.group(2) if chosen else "")
        )
    return out


def test_three_csv_files_import_from_the_page(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    response = post_files(client_for(users["township_a"]), csv_files(encoding="gb18030"))
    assert response.status_code == 302 and Household.objects.count() == 2 and Member.objects.count() == 2


def test_csv_needs_all_three_files(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    files = csv_files()
    del files["收支"]
    page = post_files(client_for(users["township_a"]), files).content.decode()
    assert "CSV 需要三个文件，还缺「收支」表" in page and not Household.objects.exists()


def test_other_headers_open_the_mapping_step_and_nothing_is_written_until_confirmed(
    client_for, users, county
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    page = post_files(client, csv_files(renamed=True)).content.decode()
    assert "列对应与预览" in page and "无法识别的列：户主" in page and not Household.objects.exists()
    choices = selects(page)
    assert choices["map:成员:2"] == ""  # 证件号码: not recognised, so not imported until chosen

    choices.update({"map:户:3": "户主姓名", "map:成员:2": "身份证号", "action": "preview-again"})
    preview = client.post(reverse("households:upload"), choices).content.decode()
    assert "整份文件已按此列对应通过检查" in preview and id_number("19700101", 2) in preview
    assert not Household.objects.exists()

    done = client.post(reverse("households:upload"), {**choices, "action": "import"})
    assert done.status_code == 302 and Household.objects.get(code="A002").head_name == "李四"
    saved = ColumnMapping.objects.get(county=county.county)
    assert saved.mapping == {"columns": {"户": {"户主": "户主姓名"}, "成员": {"证件号码": "身份证号"}}}
    assert LogEntry.objects.get_for_object(saved).filter(actor=users["township_a"]).exists()

    # next time the county's saved mapping is used at once
    Household.objects.all().delete()
    again = post_files(client, csv_files(renamed=True))
    assert again.status_code == 302 and Household.objects.count() == 2


def test_the_preview_shows_errors_of_the_whole_file_before_writing(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    page = post_files(client, csv_files(bad_id=True), action="preview").content.decode()
    assert "列对应与预览" in page and "校验位" in page and 'class="error"' in page
    refused = client.post(
        reverse("households:upload"), {**selects(page), "action": "import"}
    ).content.decode()
    assert "校验位" in refused and not Household.objects.exists()


def test_a_stored_upload_belongs_to_its_session(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    page = post_files(client_for(users["township_a"]), csv_files(), action="preview").content.decode()
    other = client_for(users["township_b"])
    response = other.post(reverse("households:upload"), {**selects(page), "action": "import"})
    assert "请选择农户登记表" in response.content.decode() and not Household.objects.exists()


def test_a_file_from_another_township_is_refused_on_the_mapping_step(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    files = csv_files()
    files["户"] = files["户"].replace(b"140000001201", b"140000002201")
    page = post_files(client_for(users["township_a"]), files, action="preview").content.decode()
    assert "不是系统中的行政村或社区代码" in page and not Household.objects.exists()


def test_the_command_reads_a_mapping_file_and_saves_it(county, tmp_path) -> None:  # type: ignore[no-untyped-def]
    paths = []
    for sheet, content in csv_files(renamed=True).items():
        path = tmp_path / f"农户-{sheet}.csv"
        path.write_bytes(content)
        paths.append(str(path))
    err = io.StringIO()
    with pytest.raises(CommandError, match="没有写入任何数据"):
        call_command("import_households", *paths, "--no-mapping", stderr=err)
    assert "缺少列：户主姓名；多出列：户主" in err.getvalue() and "--mapping" in err.getvalue()
    mapping = tmp_path / "map.json"
    mapping.write_text(
        json.dumps({"columns": {"户": {"户主": "户主姓名"}, "成员": {"证件号码": "身份证号"}}})
    )
    out = io.StringIO()
    call_command("import_households", *paths, "--mapping", str(mapping), "--save-mapping", stdout=out)
    assert "导入成功" in out.getvalue() and Household.objects.count() == 2
    assert ColumnMapping.objects.get(county=county.county).mapping["columns"]["成员"] == {
        "证件号码": "身份证号"
    }
    out = io.StringIO()
    call_command("import_households", *paths, stdout=out)  # the saved one
    assert "使用" in out.getvalue() and "导入成功" in out.getvalue()
    mapping.write_text('{"columns": {"成员": {"证件号码": "证件"}}}')
    with pytest.raises(CommandError, match="「成员」表没有这一列"):
        call_command("import_households", *paths, "--mapping", str(mapping))


def test_bad_files_and_a_tampered_mapping_get_chinese_messages(client_for, users, county) -> None:  # type: ignore[no-untyped-def]
    client = client_for(users["township_a"])
    files = csv_files()
    files["成员"] = b"PK\x03\x04" + b"\x00" * 100  # a workbook in the CSV field
    page = post_files(client, files).content.decode()
    assert "「成员」表的文件不是 CSV 文本" in page
    xlsx = client.post(
        reverse("households:upload"), {"file": SimpleUploadedFile("r.xlsx", "纯文本".encode())}
    )
    assert "不是 Excel 工作簿" in xlsx.content.decode()
    both = {"file": SimpleUploadedFile("r.xlsx", b"x"), **{FIELDS["户"]: SimpleUploadedFile("户.csv", b"x")}}
    assert "不要同时上传" in client.post(reverse("households:upload"), both).content.decode()

    page = post_files(client, csv_files(renamed=True), action="preview").content.decode()
    choices = {**selects(page), "map:户:3": "不存在的列", "map:成员:2": "身份证号", "action": "import"}
    refused = client.post(reverse("households:upload"), choices)
    assert refused.status_code == 200 and "「户」表没有这一列" in refused.content.decode()
    assert not Household.objects.exists() and not ColumnMapping.objects.exists()


def _upload_folders(root) -> list:  # type: ignore[no-untyped-def]
    folder = root / "uploads" / "households"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_cancel_on_the_preview_deletes_the_uploaded_file_at_once(
    client_for, users, county, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    client = client_for(users["township_a"])
    page = post_files(client, csv_files(), action="preview").content.decode()
    assert "取消（删除已上传的文件）" in page and "最多保留一天" in page
    [folder] = _upload_folders(tmp_path)
    assert (folder / "成员").read_bytes().count(b"1980") == 1  # the plain 身份证号 is on disk until then

    entries = LogEntry.objects.count()
    response = client.post(reverse("households:upload"), {**selects(page), "action": "cancel"}, follow=True)
    assert "已取消导入，上传的文件已从服务器删除" in response.content.decode()
    assert _upload_folders(tmp_path) == [] and not folder.exists()
    assert LogEntry.objects.count() == entries and not Household.objects.exists()
    # The preview's buttons no longer find a file: the clerk has to upload again.
    again = client.post(reverse("households:upload"), {**selects(page), "action": "import"})
    assert "请选择农户登记表" in again.content.decode() and not Household.objects.exists()


def test_cancel_touches_only_the_users_own_upload(client_for, users, county, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.DATA_DIR = tmp_path
    post_files(client_for(users["township_a"]), csv_files(), action="preview")
    [folder] = _upload_folders(tmp_path)
    other = client_for(users["township_b"])
    other.post(reverse("households:upload"), {"action": "cancel"})
    assert folder.is_dir()


def test_an_upload_left_for_more_than_a_day_is_not_used_and_is_removed(
    client_for, users, county, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import os
    import time

    settings.DATA_DIR = tmp_path
    client = client_for(users["township_a"])
    page = post_files(client, csv_files(), action="preview").content.decode()
    [folder] = _upload_folders(tmp_path)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(folder, (two_days_ago, two_days_ago))
    response = client.post(reverse("households:upload"), {**selects(page), "action": "import"})
    assert "请选择农户登记表" in response.content.decode() and not Household.objects.exists()
    assert not folder.exists()
