"""Seed the search dictionary with the everyday words citizens use for common items (issue 15).

Each word maps to words that occur in item names (the demo catalogue, bianmin/demo/items.py, and the usual
names of the national catalogue); managers edit and extend the list in the admin. Existing rows are kept.
"""
from django.db import migrations

SEED = {
    "社保": "社会保障 社会保险 养老保险 失业保险 工伤",
    "社保卡": "社会保障卡",
    "医保": "医疗保险 医疗保障 就医 医疗费用 门诊慢特病 生育津贴",
    "医保卡": "社会保障卡 医疗保险",
    "公积金": "住房公积金",
    "低保": "最低生活保障",
    "五保": "特困人员",
    "身份证": "居民身份证",
    "户口": "户籍 出生登记",
    "户口本": "户口 户籍",
    "营业执照": "设立登记 个体工商户 公司设立",
    "执照": "设立登记 个体工商户",
    "开公司": "公司设立登记",
    "个体户": "个体工商户",
    "房产证": "不动产 房屋所有权",
    "房本": "不动产 房屋所有权",
    "过户": "不动产转移 转移登记",
    "退休": "养老保险待遇 养老保险",
    "养老金": "养老保险待遇",
    "老年": "高龄 养老",
    "老年人": "高龄 养老",
    "高龄": "老年",
    "残疾": "残疾人",
    "残疾证": "残疾人证",
    "生育": "生育津贴 生育登记 出生医学证明 出生登记",
    "准生证": "生育登记",
    "出生证": "出生医学证明",
    "结婚": "婚姻登记 结婚登记",
    "离婚": "婚姻登记 离婚登记",
    "结婚证": "婚姻登记证 结婚登记",
    "失业金": "失业保险金",
    "补贴": "津贴 补助",
    "无犯罪证明": "无犯罪记录证明",
    "开发票": "代开增值税发票 发票",
    "个税": "个人所得税",
    "驾照": "机动车驾驶证",
}


def seed(apps, schema_editor):
    from bianmin.catalog.search import pinyin_keys

    SearchSynonym = apps.get_model("catalog", "SearchSynonym")
    for term, words in SEED.items():
        full, initials = pinyin_keys(term)
        SearchSynonym.objects.get_or_create(term=term, defaults={
            "words": words, "term_pinyin": full, "term_initials": initials})


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_search_synonyms_and_words")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
