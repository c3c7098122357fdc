"""Phrases for the generated demo history (demo/history.py): names, ratings' comments by theme, how the
bad-review tickets were handled, and the hotline's calls.

DEMO DATA ONLY: every person and company is fictional.

The bad reviews repeat a handful of themes (排队时间长, 材料反复补交 / 一次性告知不到位, 窗口人员态度,
营业执照, 社保卡, 不动产登记, 叫号系统, 停车难) in several wordings, as real comments do, so that the hot-spot
analysis has recurring themes to find; the hotline adds its own (噪音扰民, 路灯不亮, 物业, 供暖).
"""
from __future__ import annotations

from dataclasses import dataclass

# Given names for applicants and callers (surnames come from demo/sites.py).
GIVEN_NAMES = [
    "建军", "秀珍", "海波", "丽华", "志勇", "桂英", "国庆", "晓燕", "德明", "玉梅", "文杰", "凤英", "永刚", "春梅",
    "建华", "淑华", "红军", "小芳", "宏亮", "金花", "俊峰", "美英", "志华", "翠兰", "家明", "雪梅", "长春", "秋菊",
    "晓军", "丽萍", "光辉", "素芬", "明亮", "艳红", "国平", "慧芳", "伟", "敏", "静", "磊", "洋", "娟", "勇", "霞",
    "浩宇", "欣悦", "梓涵", "子轩", "雨桐", "宇航", "诗琪", "俊熙", "若汐", "晨阳", "思彤", "嘉怡", "天宇", "一诺",
]

# Applicant organisations for business items: brand + trade.
BRANDS = ["鑫源", "宏达", "绿野", "佳禾", "嘉和", "顺通", "锦程", "福满", "兴旺", "云溪", "青禾", "瑞丰", "金竹", "同心"]
TRADES = ["商贸有限公司", "餐饮店", "建材经营部", "农业开发有限公司", "物流有限公司", "便利店", "理发店", "五金店",
          "农家乐", "建筑劳务有限公司", "茶叶专业合作社", "汽车修理厂"]

# What a finished case says (by handling type); {item} is the item's name.
RESULTS_INSTANT = [
    "已当场办结“{item}”，办理结果当场交申请人。",
    "材料齐全，当场办结“{item}”，已告知后续注意事项。",
    "已当场办理“{item}”，结果已录入系统并打印交申请人。",
]
RESULTS_COMMITTED = [
    "经审查符合条件，准予办理“{item}”，结果已通知申请人领取。",
    "已按承诺时限办结“{item}”，审批结果已送达申请人。",
    "经承办科室审查，准予“{item}”，相关证照已制作完成。",
]
QUESTIONS = ["咨询“{item}”需要带哪些材料", "咨询“{item}”的办理条件和时限", "询问“{item}”能否网上办理"]
ANSWERS = [
    "已告知“{item}”的受理条件、所需材料和承诺时限，并发放一次性告知单。",
    "已说明“{item}”可在网上办理，并现场指导申请人完成实名注册。",
]
REJECTION = ("经核查，申请人不符合“{item}”的受理条件，已当场书面告知不予受理的理由、依据和申请人可以依法申请"
             "行政复议或者提起行政诉讼的权利。")

GOOD_COMMENTS = [
    "工作人员很耐心，讲得很清楚", "一次就办好了，不用来回跑", "办事效率高，点赞", "比以前快多了，服务很好",
    "帮办代办很贴心，老人不用跑腿", "窗口人员热情，主动帮忙填表", "材料一次性告知，很清楚", "预约后不用排队，很方便",
    "网上预审后到窗口十分钟就办完了", "代办员上门服务，非常感谢", "环境好，引导清楚", "当天就拿到了证，没想到这么快",
]
BASIC_COMMENTS = [
    "还可以，就是等的时间有点长", "办是办好了，流程有点复杂", "窗口少了点，人多的时候要排队",
    "材料有点多，希望能再精简", "整体还行，指引可以再清楚一点", "办理速度一般",
]


@dataclass(frozen=True)
class Theme:
    """A recurring complaint: what raters write, and how the unit handled it."""

    label: str
    bad: tuple[str, ...]
    basic: tuple[str, ...]
    answers: tuple[tuple[str, str], ...]  # questionnaire answers the bad rater gives
    verify: str  # what the call back found
    outcome: str  # rectified_now / explained / ledger
    resolution: str  # what was done
    feedback: str  # what the rater was told
    items: tuple[str, ...] = ()  # item keys the theme is about (empty: any item)
    centre_only: bool = False  # a complaint about the county centre's building or systems


THEMES: dict[str, Theme] = {
    "queue": Theme(
        "排队时间长",
        ("排队等了一个多小时才叫到号", "上午取的号下午才办上，排队时间太长", "月底人多，排队排了一上午，窗口只开了两个",
         "排队时间长，高峰期也不多开窗口", "为了一个章排队两个小时"),
        ("排队时间有点长", "人多的时候排队要很久", "等候时间长了点"),
        (("process_convenient", "no"),),
        "电话联系评价人，核实为月底高峰期等候时间较长。", "explained",
        "高峰时段启用弹性窗口，推广网上预约和错峰办理。",
        "您反映的排队时间长问题已收到。中心已在高峰时段增开弹性窗口，建议您通过网上预约错峰办理，感谢监督。"),
    "materials": Theme(
        "材料反复补交、一次性告知不到位",
        ("材料让我来回跑了三趟，每次都说还缺一样", "一次性告知书上没写要户口簿原件，又让我回去拿",
         "同一份材料复印了好几遍，材料反复要求补交", "第一次来没说清楚要什么材料，第二次来又要补交",
         "说好的最多跑一次，结果材料补交跑了三次"),
        ("材料有点多，第一次没告知全", "补交了一次材料，希望一次性告知清楚"),
        (("guide_clear", "no"), ("materials_simple", "no")),
        "电话联系评价人，核实为窗口首次接待时未一次性告知全部材料。", "rectified_now",
        "当日修订一次性告知单，对窗口人员批评教育并组织业务学习。",
        "您反映的一次性告知不到位问题属实，已修订告知单并对相关人员批评教育，向您致歉，感谢您的监督。"),
    "attitude": Theme(
        "窗口人员态度",
        ("工作人员态度冷淡，问两句就不耐烦", "窗口人员一直玩手机，爱理不理", "工作人员说话很冲，态度不好",
         "办事人员态度差，让我自己去网上查", "问了三遍才回答，服务态度有待改进"),
        ("工作人员态度一般", "服务态度还可以再热情一点"),
        (),
        "电话联系评价人并调阅窗口录像，核实窗口人员服务用语不规范。", "ledger",
        "纳入作风整改台账，组织窗口服务礼仪培训并开展暗访检查。",
        "您反映的窗口人员服务态度问题已核实，相关人员已作出检查，中心已开展服务礼仪培训，感谢您的监督。"),
    "license": Theme(
        "营业执照",
        ("办营业执照名称核准不过又要重新提交，来回折腾", "营业执照说当天办结，结果三天还没拿到",
         "营业执照经营范围填错了，窗口也没提醒", "办个营业执照跑了好几趟，网上申报和窗口说法不一样"),
        ("营业执照办得还行，就是网上申报有点难", "营业执照当天拿到了，但等的时间长"),
        (("interface_friendly", "no"), ("guide_clear", "partly")),
        "电话联系评价人，核实为网上申报与窗口审核口径不一致。", "rectified_now",
        "统一企业开办网上申报和窗口审核口径，窗口安排专人帮办营业执照网上申报。",
        "您反映的营业执照办理问题已整改，网上申报和窗口审核已统一口径，并安排专人帮办，向您致歉。",
        items=("sc01", "sc02", "sc03")),
    "sscard": Theme(
        "社保卡",
        ("社保卡补办说当场制卡，结果机器坏了让我过两天再来", "社保卡申领半个月了还没消息，打电话也没人接",
         "社保卡制卡机故障，白跑一趟", "社保卡激活要到银行，又跑了一趟"),
        ("社保卡办好了，就是等的时间长", "社保卡制卡有点慢"),
        (("process_convenient", "no"),),
        "电话联系评价人，核实为即时制卡设备故障未及时公告。", "rectified_now",
        "当日修复制卡设备，设备故障时在窗口和网上即时公告并提供邮寄到家服务。",
        "您反映的社保卡制卡问题已处理，制卡设备已修复，今后设备故障将提前公告并可邮寄到家，向您致歉。",
        items=("rs04", "rs05")),
    "property": Theme(
        "不动产登记",
        ("不动产登记要的材料太多，跑了好几次", "不动产证说好的时限早就过了还没拿到",
         "过户时契税和不动产登记要排两次队，不是说一窗受理吗", "不动产登记窗口只开一个，等了一上午"),
        ("不动产登记流程有点多", "不动产登记办好了，但等的时间长"),
        (("materials_simple", "no"), ("process_convenient", "partly")),
        "电话联系评价人，核实为高峰期不动产登记窗口排队、登记与纳税未同窗办理。", "ledger",
        "建立台账限期整改：增开一个不动产登记窗口，登记与契税申报一窗受理、并行办理。",
        "您反映的不动产登记问题已列入整改台账，已增开窗口并实行登记、纳税一窗受理，感谢您的监督。",
        items=("zr01", "zr02", "zr03", "zr04", "zr05", "sw02")),
    "calling": Theme(
        "叫号系统",
        ("叫号系统乱，过号了也没人提醒", "叫号屏显示和广播不一致，等半天发现已经过号",
         "叫号系统坏了，大家只能挤在窗口", "取号机不出号，叫号系统经常出问题"),
        ("叫号系统有时候听不清", "叫号广播声音太小"),
        (("process_convenient", "no"),),
        "现场查看并电话联系评价人，核实叫号系统当日故障。", "rectified_now",
        "当日修复叫号系统，导办台增派人员提醒过号群众。",
        "您反映的叫号系统问题已修复，导办台已增派人员引导，给您带来不便深表歉意。",
        centre_only=True),
    "parking": Theme(
        "停车难",
        ("中心门口停车太难，转了半个小时找不到车位", "停车场被占满，只能停路边被贴条", "停车难，来办事先找车位",
         "政务中心停车难的问题一直没解决"),
        ("停车不太方便", "车位太少，停车有点难"),
        (),
        "电话联系评价人，核实为高峰期中心停车位不足。", "explained",
        "协调周边单位错时开放停车位，在中心门口设置停车引导牌。",
        "您反映的停车难问题已收到，中心已协调周边单位错时开放车位并设置停车指引，感谢您的建议。",
        centre_only=True),
}
# Themes any unit may be criticised for.
GENERAL_THEMES = ("queue", "materials", "attitude")

# A bad review found to be mistaken (误评) after the call back.
MISTAKEN = ("评价人表示本意是给满意，操作时误点了“非常不满意”，同意撤回该评价。",
            "经回访评价人，其本人确认误评，愿意补充说明；申请认定为误评。")
# A rater who is still unhappy after the first answer (追评仍为不满意).
STILL_UNHAPPY = "整改说了但还是没变化"

# ---------------------------------------------------------------- 12345 hotline

# Categories the history needs besides the demo's own (code, name, group, department key, default type,
# keywords, description).
EXTRA_CATEGORIES: list[tuple] = [
    ("LDSS", "路灯及市政设施", "求助", "zj", "ordinary", "路灯,不亮,井盖,市政设施",
     "路灯不亮、井盖缺失、市政设施损坏的报修。"),
    ("WYGL", "物业管理", "投诉", "zj", "ordinary", "物业,电梯,物业费,小区",
     "住宅小区物业服务、电梯故障、物业收费的投诉与求助。"),
    ("GNFW", "供暖服务", "求助", "zj", "ordinary", "供暖,暖气,不热,供热",
     "集中供暖的温度不达标、管道漏水和收费问题。"),
]


@dataclass(frozen=True)
class Call:
    """A kind of hotline call: its category, what callers say and how the department answered (the n-th reply
    answers the n-th text, cycling when there are fewer replies)."""

    category: str
    texts: tuple[str, ...]  # {place} is where it happened
    replies: tuple[str, ...]
    weight: int = 1
    answer: str = ""  # non-empty: answered on the spot by the agent (most such calls)
    months: tuple[int, ...] = ()  # only in these calendar months (empty: all year)
    respondent_rank: str = ""


CALLS: list[Call] = [
    Call("ZSRM", ("{place}附近工地夜间施工噪音扰民，晚上十一点还在打桩", "{place}旁边工地每天早上六点就开始施工，噪音太大",
                  "{place}商铺音响声音太大，噪音扰民，影响休息"),
         ("已责令施工单位停止夜间施工，确需夜间连续作业的须办理夜间施工许可并公示。",
          "已到现场查处，施工单位已调整作业时间，并安排早间巡查。",
          "已约谈商铺负责人，音响已调低音量，承诺不再对外播放。"), weight=6),
    Call("LDSS", ("{place}路段路灯不亮好几天了，晚上走路很危险", "{place}一排路灯都不亮，小孩晚上放学看不见路",
                  "{place}井盖松动，车一过就响"),
         ("已安排市政维修人员更换路灯线路，路灯已恢复照明。", "已修复路灯控制箱，该路段路灯已全部恢复照明。",
          "已更换损坏的井盖并加固，现场已恢复正常。"), weight=5),
    Call("WYGL", ("{place}小区电梯经常坏，物业一直不修", "{place}小区物业费上涨没有公示，业主有意见",
                  "{place}小区物业不管楼道堆放杂物，存在消防隐患", "{place}小区物业服务差，垃圾几天没人清理"),
         ("已约谈物业服务企业，电梯已维修并通过检验，物业承诺每月公示维保记录。",
          "已督促物业公司公示收费依据，组织业主代表召开协商会。",
          "已督促物业公司清理楼道杂物，社区将每月开展消防安全检查。",
          "已督促物业公司落实每日清运，社区跟踪检查保洁情况。"), weight=6),
    Call("GNFW", ("{place}暖气不热，室温只有十几度", "{place}供暖管道漏水，楼下被淹", "{place}刚开始供暖，暖气片一直不热"),
         ("已督促供热企业上门排气调试，室温已达标。", "已安排抢修，漏水管道已更换。",
          "供热企业已上门排气，暖气片已正常升温。"), weight=5, months=(11, 12, 1, 2, 3)),
    Call("SBZX", ("咨询社保卡丢了怎么补办", "咨询灵活就业人员怎么参加养老保险", "咨询社保卡激活需要带什么"),
         ("已告知社保卡补办可到县政务服务中心即时制卡窗口办理，现场一小时取卡。",
          "已告知灵活就业人员可在“掌上社保”登记参保，按月或按年缴费。",
          "已告知社保卡激活可在合作银行网点或“掌上社保”办理。"),
         weight=8, answer="已告知办理地点、所需材料和时限，可在“掌上社保”网上办理。"),
    Call("SBZX", ("社保卡申领一个月了还没拿到卡", "社保卡补办说机器坏了让过几天再去，到现在还没修好"),
         ("经核实为制卡批次延误，卡片已制作完成，已通知来电人领取。",
          "制卡设备已修复，已通知来电人到即时制卡窗口领取，或选择邮寄到家。"), weight=2),
    Call("BDCDJ", ("咨询二手房过户需要带哪些材料", "咨询不动产证抵押注销怎么办理"),
         ("已告知二手房过户所需材料清单，建议网上预约后到9、10号窗口办理。",
          "已告知抵押权注销登记当场办结，携带身份证和银行出具的注销证明即可。"),
         weight=4, answer="已告知不动产登记所需材料、收费标准和预约方式。"),
    Call("BDCDJ", ("不动产证办了一个多月还没拿到", "不动产登记窗口排队太长，一上午都没办上"),
         ("经查系权籍调查补测延误，证书已制作完成，已电话通知来电人领取。",
          "已在不动产登记窗口增设弹性窗口，高峰期实行预约办理。"), weight=3),
    Call("HJBL", ("咨询孩子上户口需要什么材料", "咨询身份证丢了在外地能不能补办"),
         ("已告知出生登记所需材料和办理地点。", "已告知居民身份证可跨省通办补领。"),
         weight=5, answer="已告知户籍业务所需材料及可跨省通办的事项。"),
    Call("SHJZ", ("咨询低保的申请条件", "咨询高龄津贴怎么申领"),
         ("已告知低保申请条件和所需材料。", "已告知高龄津贴可在村（社区）代办点申领。"),
         weight=3, answer="已告知申请条件、所需材料和受理地点，可由村（社区）代办员代办。"),
    Call("SHJZ", ("家里老人生病住院，生活困难，想申请救助", "低保申请交了材料很久没有消息"),
         ("已联系所在镇（街道）入户核实，指导提交临时救助申请。", "已核实审核进度，结果已告知来电人。"), weight=3),
    Call("DLPS", ("{place}路面塌陷一个大坑，车辆通行危险", "{place}桥面破损，护栏缺失"),
         ("已设置警示标志并完成路面修补。", "已安排养护单位修复桥面，护栏已补装。"), weight=3),
    Call("CKFWTS", ("政务中心窗口排队时间太长，窗口开得太少", "政务中心停车难，门口车位全被占了",
                    "便民服务中心工作人员上班时间不在岗", "窗口人员态度不好，材料让反复补交"),
         ("已转中心核实，高峰期已增开弹性窗口并推行预约。", "已协调周边单位错时开放停车位。",
          "已核实并对相关人员批评教育，中心已加强考勤巡查。", "已核实并对窗口人员批评教育，修订了一次性告知单。"),
         weight=4),
    Call("XZXNTS", ("反映某单位工作人员办事拖延，一个证明拖了半个月",),
         ("经调查核实，已对相关人员进行提醒谈话并督促办结。",), weight=1, respondent_rank="staff"),
]

REVISIT_NOTES = ["来电人表示问题已解决，满意", "来电人表示已处理，对结果满意", "来电人认可处理结果"]
UNRESOLVED_NOTE = "来电人表示问题仍未解决，退回承办单位重新办理"
UNREACHED_NOTE = "连续两次电话未接通"
