"""Demo service sites, their windows and how windows are staffed (SPEC §1, S004 §三-§五).

Window `items` are selectors resolved by the loader: a department key ("mz") takes every item of
that department, an item key ("ga07") one item, "@proxy" every item offered through 帮办代办, and
"@township:<tag>" / "@village" the items the township windows / village stations accept.
"""
from __future__ import annotations

COUNTY_CENTRE = {
    "name": "澄溪县政务服务中心",
    "address": "澄溪县溪东街道滨江大道188号",
    "hall_area": 3200,
    "opening_hours": "周一至周五 8:30-11:30, 14:30-17:30（午间 01、02 号窗口不间断服务）；节假日轮值 9:00-12:00",
    "phone": "0123-6612345",
    "complaint_phone": "0123-6612300",
}

# Made-up coordinates for the dashboard's map: the county centre in the middle, townships on a ring around it,
# village stations close to their township (the demo county is fictional, so are its places).
CENTRE_LAT, CENTRE_LNG = 28.19500, 112.97600


def coordinates(township: int, station: int) -> dict:
    import math

    if not township:
        return {"latitude": CENTRE_LAT, "longitude": CENTRE_LNG}
    angle = township * 2 * math.pi / 7
    lat, lng = CENTRE_LAT + 0.12 * math.sin(angle), CENTRE_LNG + 0.15 * math.cos(angle)
    if station:
        lat, lng = lat + 0.02 * math.sin(station), lng + 0.025 * math.cos(station)
    return {"latitude": round(lat, 5), "longitude": round(lng, 5)}


TOWNSHIP_HOURS = "周一至周五 8:30-11:30, 14:30-17:30；逢场日全体工作人员到岗"
STATION_HOURS = "周一至周五 8:30-11:30, 14:30-17:30（代办员值守）"

# County centre windows: number, name, kind, departments, sign text, item selectors, staffing.
# Staffing: "own" = an A and a B post of the window's own department; "rotate" = the comprehensive
# windows cover each other (each clerk is A at one window and B at the next one).
COUNTY_WINDOWS: list[dict] = [
    {"number": "00", "name": "导办台", "kind": "guide", "departments": ["gov"],
     "sign": "导办台｜办事咨询、取号引导、材料预审、预约受理｜咨询电话 0123-6612345",
     "items": [], "staff": ("导办员", "contract", "contract")},
    {"number": "01", "name": "综合窗口（社会事务）", "kind": "comprehensive",
     "departments": ["mz", "rs", "yb", "wj", "cl"],
     "sign": "无差别综合受理｜民政、人社、医保、卫生健康、残联事项一窗受理｜咨询电话 0123-6612345",
     "items": ["mz", "rs", "yb", "wj", "cl"], "staff": "rotate"},
    {"number": "02", "name": "综合窗口（社会事务）", "kind": "comprehensive",
     "departments": ["mz", "rs", "yb", "wj", "cl"],
     "sign": "无差别综合受理｜民政、人社、医保、卫生健康、残联事项一窗受理｜咨询电话 0123-6612345",
     "items": ["mz", "rs", "yb", "wj", "cl"], "staff": "rotate"},
    {"number": "03", "name": "综合窗口（企业开办）", "kind": "comprehensive", "departments": ["sc", "sw"],
     "sign": "企业开办一窗通办｜个体工商户、公司设立登记，发票领用，食品经营许可｜最快当日办结",
     "items": ["sc", "sw"], "staff": "rotate"},
    {"number": "04", "name": "综合窗口（工程建设）", "kind": "comprehensive",
     "departments": ["zj", "jt", "ny", "ly"],
     "sign": "工程建设项目综合受理｜施工许可、商品房预售、交通运输、农业林业审批｜咨询电话 0123-6612345",
     "items": ["zj", "jt", "ny", "ly"], "staff": "rotate"},
    {"number": "05", "name": "民政窗口", "kind": "single", "departments": ["mz"],
     "sign": "民政局｜最低生活保障、特困供养、临时救助、婚姻登记｜不收费｜咨询电话 0123-6610101",
     "items": ["mz"], "staff": ("婚姻登记员", "civil", "contract")},
    {"number": "06", "name": "社保窗口", "kind": "single", "departments": ["rs"],
     "sign": "人力资源和社会保障局｜社会保障卡、城乡居民养老保险、养老保险关系转移｜咨询电话 0123-6610102",
     "items": ["rs04", "rs05", "rs06", "rs07", "rs08", "rs09"], "staff": ("社保经办员", "civil", "contract")},
    {"number": "07", "name": "就业窗口", "kind": "single", "departments": ["rs"],
     "sign": "人力资源和社会保障局｜失业登记、就业创业证、失业保险金、劳动人事争议仲裁｜咨询电话 0123-6610102",
     "items": ["rs01", "rs02", "rs03", "rs10"], "staff": ("就业服务专员", "civil", "contract")},
    {"number": "08", "name": "医保窗口", "kind": "single", "departments": ["yb"],
     "sign": "医疗保障局｜参保登记、异地就医备案、医保关系转移、零星报销｜咨询电话 0123-6610103",
     "items": ["yb"], "staff": ("医保经办员", "civil", "contract")},
    {"number": "09", "name": "不动产登记窗口", "kind": "single", "departments": ["zr", "sw"],
     "sign": "不动产登记中心·税务｜首次、转移、抵押、注销登记，契税申报｜一窗受理、并行办理",
     "items": ["zr", "sw02"], "staff": ("不动产登记员", "civil", "contract")},
    {"number": "10", "name": "不动产登记窗口", "kind": "single", "departments": ["zr", "sw"],
     "sign": "不动产登记中心·税务｜首次、转移、抵押、注销登记，契税申报｜一窗受理、并行办理",
     "items": ["zr", "sw02"], "staff": ("不动产登记员", "civil", "contract")},
    {"number": "11", "name": "公安户籍窗口", "kind": "single", "departments": ["ga"],
     "sign": "公安局｜出生登记、户口迁移、居民身份证、无犯罪记录证明｜身份证工本费按规定收取",
     "items": ["ga01", "ga02", "ga03", "ga04", "ga05", "ga06", "ga08"], "staff": ("户籍民警", "civil", "civil")},
    {"number": "12", "name": "出入境窗口", "kind": "single", "departments": ["ga"],
     "sign": "公安局出入境管理大队｜普通护照签发｜护照每本120元｜7个工作日办结",
     "items": ["ga07"], "staff": ("出入境民警", "civil", "contract")},
    {"number": "13", "name": "市场监管窗口", "kind": "single", "departments": ["sc"],
     "sign": "市场监督管理局｜市场主体登记、食品经营许可、药品零售许可、特种设备使用登记",
     "items": ["sc"], "staff": ("登记注册员", "civil", "contract")},
    {"number": "14", "name": "税务窗口", "kind": "single", "departments": ["sw"],
     "sign": "国家税务总局澄溪县税务局｜代开发票、发票领用、契税申报、纳税记录开具",
     "items": ["sw"], "staff": ("税务专管员", "civil", "contract")},
    {"number": "15", "name": "卫生健康窗口", "kind": "single", "departments": ["wj"],
     "sign": "卫生健康局｜生育登记、出生医学证明补发、医师执业注册、公共场所卫生许可",
     "items": ["wj"], "staff": ("卫健窗口专员", "civil", "contract")},
    {"number": "16", "name": "住建窗口", "kind": "single", "departments": ["zj"],
     "sign": "住房和城乡建设局｜施工许可、商品房预售许可、竣工验收备案、公租房资格审核",
     "items": ["zj"], "staff": ("住建窗口专员", "civil", "contract")},
    {"number": "17", "name": "交通运输窗口", "kind": "single", "departments": ["jt"],
     "sign": "交通运输局｜道路货运经营许可、超限运输许可、涉路施工许可、从业资格证补发",
     "items": ["jt"], "staff": ("交通运输专员", "civil", "contract")},
    {"number": "18", "name": "残联窗口", "kind": "single", "departments": ["cl"],
     "sign": "残疾人联合会｜残疾人证新办、换领，辅助器具适配补贴｜不收费",
     "items": ["cl"], "staff": ("残联专干", "civil", "social_worker")},
    {"number": "19", "name": "帮办代办窗口", "kind": "proxy", "departments": ["gov"],
     "sign": "帮办代办｜老年人、残疾人绿色通道，全程代办，上门服务预约｜咨询电话 0123-6612345",
     "items": ["@proxy"], "staff": ("帮办代办员", "social_worker", "contract")},
    {"number": "20", "name": "投诉受理窗口", "kind": "complaint", "departments": ["gov"],
     "sign": "投诉受理｜“办不成事”反映、差评回访、效能投诉｜投诉电话 0123-6612300、12345",
     "items": [], "staff": ("投诉受理专员", "civil", "civil")},
]

# Township 便民服务中心 windows (S004 §四: 民政、劳动保障、计生、国土、林业、村建、农业服务 + 综合窗口).
# Staffing rotates: the A clerk of window n is the B post of window n+1.
TOWNSHIP_WINDOWS: list[dict] = [
    {"number": "01", "name": "综合窗口", "kind": "comprehensive", "departments": [],
     "items": ["@township"], "employment": "civil"},
    {"number": "02", "name": "民政窗口", "kind": "single", "departments": ["mz", "cl"],
     "items": ["@township:民政"], "employment": "civil"},
    {"number": "03", "name": "劳动保障窗口", "kind": "single", "departments": ["rs", "yb"],
     "items": ["@township:劳动保障"], "employment": "contract"},
    {"number": "04", "name": "计生卫健窗口", "kind": "single", "departments": ["wj"],
     "items": ["@township:计生卫健"], "employment": "part_time"},
    {"number": "05", "name": "国土村建窗口", "kind": "single", "departments": ["zr", "zj", "ny"],
     "items": ["@township:国土村建"], "employment": "civil"},
    {"number": "06", "name": "农业服务窗口", "kind": "single", "departments": ["ny", "ly"],
     "items": ["@township:农业服务"], "employment": "village_official"},
]

# Each village / community station has one 代办 window: a village cadre as A (兼职 代办员) and a
# 大学生村官 (villages) or 社工 (communities) as B.
STATION_WINDOW = {"number": "01", "name": "代办窗口", "kind": "proxy", "items": ["@village"]}

# Name parts for generated staff names (deterministic, no randomness).
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN_NAMES = [
    "秀英", "建国", "丽娟", "志强", "海燕", "文博", "晓梅", "国华", "雪莲", "俊杰", "玉兰", "明辉",
    "春燕", "德胜", "佳怡", "宏伟", "淑芬", "子涵", "永红", "思远", "桂香", "浩然", "晓东", "婷婷",
    "立新", "慧敏", "成刚", "雨欣", "建平", "小红", "家豪", "红梅", "振华", "欣怡", "光明", "静怡",
    "卫东", "美玲", "少华", "梦琪", "志刚", "丹丹", "天佑", "秋菊", "世杰", "一鸣", "金凤", "瑞林",
]


def staff_name(n: int) -> str:
    """The n-th generated name: surnames and given names advance at coprime strides."""
    return SURNAMES[(n * 7) % len(SURNAMES)] + GIVEN_NAMES[(n * 5) % len(GIVEN_NAMES)]
