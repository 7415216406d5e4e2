from xiangcun.domain.catalog import NATIONAL, match, normalise


def test_exact_names_synonyms_and_decorations_match():
    assert match("村庄绿化覆盖率", NATIONAL).code == "N07"
    assert match("村落绿化覆盖率", NATIONAL).how == "synonym"
    assert match("*农村卫生厕所普及率（%）", NATIONAL).code == "N09"
    assert match("对生活垃圾进行处理的村占比", NATIONAL).code == "N08"
    assert match("全县农村自来水普及率", NATIONAL).code == "N21"


def test_close_variants_match_but_unrelated_names_do_not():
    assert match("农业科技进步贡献率水平", NATIONAL).code == "N02"
    assert match("脱贫人口人均纯收入", NATIONAL).code is None
    assert match("", NATIONAL).code is None


def test_catalog_is_complete_and_unique():
    assert len(NATIONAL) == 22
    assert len({i.code for i in NATIONAL}) == 22
    assert {i.dimension for i in NATIONAL} == {"产业兴旺", "生态宜居", "乡风文明", "治理有效", "生活富裕"}
    assert normalise(" 城乡居民收入比 ") == "城乡居民收入比"
