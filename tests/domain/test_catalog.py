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


def test_qualifiers_that_never_change_the_measure_are_ignored():
    # a place qualifier, 及以上 for 以上, and 比例/比重 for 占比
    assert match("全市县级以上文明村和乡镇占比", NATIONAL).code == "N11"
    assert match("我县建有综合服务站的村比例", NATIONAL).code == "N15"
    assert match("有村规民约的村比重", NATIONAL).code == "N17"
    assert match("农村义务教育学校专任教师本科及以上学历比例", NATIONAL).how in ("exact", "synonym")


def test_prose_subjects_reach_the_national_indicator_they_report():
    assert match("自来水普及率", NATIONAL).code == "N21"
    assert match("卫生厕所普及率", NATIONAL).code == "N09"
    assert match("粮食总产", NATIONAL).code == "N01"
    assert match("粮食总产量", NATIONAL).code == "N01"
    assert match("县级以上文明村镇创建率", NATIONAL).code == "N11"
    assert match("建制村通硬化路率", NATIONAL).code == "N22"


def test_other_measures_with_similar_names_stay_unmatched():
    # 集中供水率 is another measure than 自来水普及率: plans set both, with different values
    assert match("农村集中供水率", NATIONAL).code is None
    assert match("农村饮水集中供水率", NATIONAL).code is None
    assert match("自来水入户率", NATIONAL).code is None
    # a figure for all residents is not the rural one; 农村 is never dropped from a catalog name
    assert match("居民恩格尔系数", NATIONAL).code is None
    assert match("城镇居民恩格尔系数", NATIONAL).code is None
    # the level is part of the measure: 文明村镇 without 县级以上 is left for a person to decide
    assert match("文明村镇创建率", NATIONAL).code is None
    assert match("粮食播种面积", NATIONAL).code is None
    assert match("森林覆盖率", NATIONAL).code is None
