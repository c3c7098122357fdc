"""The demo region tree and the county departments (fictional names, well-formed codes).

Codes follow the 行政区划 pattern: 2 digits province, 2 city, 2 county, then 3 digits for the
township level (001-099 街道, 101-199 镇, 201-299 乡). Province 58 is not assigned in GB/T 2260,
so the demo cannot collide with a real region.

村/社区 are 12-digit codes in the 统计用区划代码, which the 9-digit field cannot hold; the demo gives
each village the county prefix and a 3-digit number from 601 up (`village_code`), a range that the
township level does not use, so every village still has a unique, well-formed 9-digit code.
"""
from __future__ import annotations

PROVINCE = {"name": "江岭省", "code": "580000000"}
CITY = {"name": "云州市", "code": "580300000"}
COUNTY = {"name": "澄溪县", "code": "580322000"}

COUNTY_PREFIX = COUNTY["code"][:6]

# (name, 3-digit township code, street address of the 便民服务中心, hall area m², villages/communities)
TOWNSHIPS: list[tuple[str, str, str, int, list[str]]] = [
    ("溪东街道", "001", "滨江大道66号", 260,
     ["滨江社区", "文昌社区", "东门社区", "新华社区", "望江社区", "桂花社区"]),
    ("溪西街道", "002", "西关路18号", 220,
     ["西关社区", "南苑社区", "凤凰社区", "锦绣社区", "清风社区", "柳荫社区", "学府社区"]),
    ("青石镇", "101", "青石街56号", 180,
     ["青石社区", "石板村", "杨家村", "金竹村", "龙潭村", "大坪村", "红岩村"]),
    ("白马镇", "102", "白马街9号", 150,
     ["白马社区", "马鞍村", "新桥村", "田坝村", "花园村", "柏林村"]),
    ("龙泉镇", "103", "泉水路12号", 160,
     ["龙泉社区", "泉水村", "三合村", "大湾村", "黄桷村", "堰塘村", "中坝村"]),
    ("桃源镇", "104", "桃源路88号", 140,
     ["桃源社区", "桃花村", "李子村", "河口村", "沙坝村", "长岭村"]),
    ("石门镇", "105", "关口街3号", 130,
     ["石门社区", "关口村", "双龙村", "茶园村", "水井村", "高坪村"]),
    ("柳林镇", "106", "柳林大道21号", 170,
     ["柳林社区", "观音村", "梨树村", "松林村", "回龙村", "兴隆村", "永安村"]),
    ("双河乡", "201", "双河街5号", 110,
     ["双河村", "鱼洞村", "青龙村", "枫香村", "何家村", "团结村"]),
    ("高桥乡", "202", "高桥街16号", 120,
     ["高桥村", "石桥村", "竹园村", "岩口村", "天池村", "张家村"]),
    ("松岭乡", "203", "松岭路2号", 105,
     ["松岭村", "岭上村", "杉木村", "瓦窑村", "七星村", "太平村"]),
]

# Township whose village stations are still in the pilot phase (status "试点").
PILOT_TOWNSHIP = "松岭乡"


def township_code(code3: str) -> str:
    return f"{COUNTY_PREFIX}{code3}"


def village_code(township_index: int, village_index: int) -> str:
    """9-digit demo code of the village_index-th village (0-based) of the township_index-th township."""
    return f"{COUNTY_PREFIX}{601 + township_index * 10 + village_index}"


# County departments (Unit kind=department under the county).
# key: (name, short name used on window signs, 3-digit department code used in item codes, consult phone)
DEPARTMENTS: dict[str, tuple[str, str, str, str]] = {
    "gov": ("澄溪县政务服务和大数据管理局", "政务服务", "001", "0123-6612345"),
    "mz": ("澄溪县民政局", "民政", "101", "0123-6610101"),
    "rs": ("澄溪县人力资源和社会保障局", "人社", "102", "0123-6610102"),
    "yb": ("澄溪县医疗保障局", "医保", "103", "0123-6610103"),
    "zr": ("澄溪县自然资源局（不动产登记中心）", "自然资源", "104", "0123-6610104"),
    "ga": ("澄溪县公安局", "公安", "105", "0123-6610105"),
    "sc": ("澄溪县市场监督管理局", "市场监管", "106", "0123-6610106"),
    "sw": ("国家税务总局澄溪县税务局", "税务", "107", "0123-6610107"),
    "wj": ("澄溪县卫生健康局", "卫生健康", "108", "0123-6610108"),
    "zj": ("澄溪县住房和城乡建设局", "住房城乡建设", "109", "0123-6610109"),
    "jt": ("澄溪县交通运输局", "交通运输", "110", "0123-6610110"),
    "cl": ("澄溪县残疾人联合会", "残联", "111", "0123-6610111"),
    "ny": ("澄溪县农业农村局", "农业农村", "112", "0123-6610112"),
    "ly": ("澄溪县林业局", "林业", "113", "0123-6610113"),
}

# Phones use the area code 0123, which no city uses; supervision goes to the 12345 government hotline.
SUPERVISION_PHONE = "12345"
