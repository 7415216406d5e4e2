import pytest

from xiangcun.domain.departments import DEFAULT_DEPARTMENTS, Department, resolve


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("教科局", "教育局"),
        ("县卫体局", "卫健局"),
        ("水务局", "水利局"),
        ("商务和经合局", "商务局"),
        ("县委宣传部", "宣传部"),
        ("中共某某县委组织部", "组织部"),
        ("县人民政府办公室", "政府办"),
        ("县 农业农村局", "农业农村局"),
        ("卫生健康委员会", "卫健局"),
        ("人力资源和社会保障局", "人社局"),
    ],
)
def test_names_as_written_resolve_to_the_department(written, canonical):  # type: ignore[no-untyped-def]
    assert resolve(written) == canonical


@pytest.mark.parametrize("written", ["各镇(街道)", "宇宙局", "", "各乡镇人民政府"])
def test_unknown_names_are_not_guessed(written):  # type: ignore[no-untyped-def]
    assert resolve(written) is None


def test_a_countys_own_catalog_is_used():
    catalog = [Department("教育局", ("教科局",)), Department("大数据局", ("数据资源局",))]
    assert resolve("县数据资源局", catalog) == "大数据局"
    assert resolve("卫体局", catalog) is None


def test_default_catalog_names_are_unique():
    names = [d.name for d in DEFAULT_DEPARTMENTS]
    assert len(names) == len(set(names))
    written = [w for d in DEFAULT_DEPARTMENTS for w in (d.name, *d.aliases)]
    assert len(written) == len(set(written)), "an alias must not point to two departments"
