"""Seed the hotline's standard phrases (SPEC §7 citing S004:L185-391, "便民热线标准服务用语").

The source is a commercial call centre's script (directory enquiries, restaurant bookings, "95160"). The
phrases below keep its structure and wording where it fits a government 12345 hotline (opening, silent
call, low volume, not understood, waiting, beyond authority, harassment, technical fault, personal
questions, closing with a rating request) and replace what does not (company look-ups, bookings) with the
steps a 12345 call needs: registering and confirming the caller, asking about confidentiality and a call
back, policy consultation, dispatch to the responsible department, complaints (with the respondent's rank
for efficiency complaints) and the return visit. Existing rows are left alone: managers may have edited them.
"""
from django.db import migrations

PHRASES = [
    # scenario, step, title, text
    ("opening", 1, "接通来电", "您好，12345政务服务便民热线，很高兴为您服务，请问有什么可以帮您？"),
    ("opening", 2, "来电人使用方言时", "您好，我可以用本地话为您服务，请您慢慢讲。"),
    ("silent_call", 1, "接通后无声", "您好，12345政务服务便民热线，您的电话已接通，请问有什么可以帮您？"),
    ("silent_call", 2, "间隔约3秒仍无声", "您好，您的电话已接通，请问您能听见我的声音吗？"),
    ("silent_call", 3, "仍无回应，停顿2秒后挂机", "对不起，您的电话无声，请您换一部电话再拨，谢谢您的来电，再见！"),
    ("noisy_line", 1, "声音小", "对不起，我听不清您的声音，麻烦您大声一点，好吗？"),
    ("noisy_line", 2, "使用免提时", "对不起，我听不清您的声音，请您将话筒拿起来讲，好吗？"),
    ("noisy_line", 3, "确实无法听清", "对不起，电话声音太小，请您换一部电话再拨，好吗？谢谢您的来电，再见！"),
    ("noisy_line", 4, "来电人反映听不清坐席", "很抱歉，我这里的声音已经调至最大，如果您还是听不清楚，请您换一部电话再拨，好吗？"),
    ("unclear", 1, "个别字词没听清", "请问您的意思是……，对吗？"),
    ("unclear", 2, "完全没听清", "对不起，请您再重复一遍，好吗？谢谢！"),
    ("unclear", 3, "来电人没听懂解释", "对不起，可能我解释得不太清楚，请允许我再说一遍，好吗？"),
    ("unclear", 4, "来电人表达不清，引导提问", "您是指……，是吗？"),
    ("unclear", 5, "解释有误时", "实在抱歉，刚才我的解释有些欠缺，应该是……"),
    ("identity_check", 1, "登记姓名", "请问您怎么称呼？可以留一下全名吗？"),
    ("identity_check", 2, "登记电话", "请问您的联系电话是多少？（或：您的联系电话是来电号码吗？）"),
    ("identity_check", 3, "复核联系方式", "与您确认一下，您的联系电话是……，对吗？"),
    ("identity_check", 4, "询问是否保密", "请问您反映的问题是否需要对您的个人信息保密？如需保密，承办单位将看不到您的姓名和电话。"),
    ("identity_check", 5, "询问是否同意回访", "办理结果出来后，我们会电话回访您，请问是否方便？请问我是否随时可以联系您呢？"),
    ("identity_check", 6, "复述诉求", "您反映的主要内容是……，对吗？还有需要补充的吗？"),
    ("waiting", 1, "需要查询时", "请您稍等，正在为您查询。"),
    ("waiting", 2, "来电人嫌慢", "很抱歉让您久等了，我会马上为您处理，请您再稍等一下，好吗？谢谢！"),
    ("waiting", 3, "查询后继续通话", "感谢您的耐心等待！"),
    ("policy_consultation", 1, "能当场答复", "您咨询的问题，按照现行规定是……，请问我解释清楚了吗？"),
    ("policy_consultation", 2, "需要核实后答复", "您的问题需要向相关部门核实，恐怕会耽误您较长时间。请您留下联系电话，我们核实后尽快回复您，好吗？"),
    ("policy_consultation", 3, "答复后", "请问还有其他可以帮到您的吗？"),
    ("transfer", 1, "需转接相关部门", "请您稍候，我马上为您转接到相关部门。"),
    ("transfer", 2, "派单告知", "您反映的问题属于……的职责范围，我们会尽快派给该单位办理，并在规定时限内给您答复。"),
    ("transfer", 3, "告知工单编号", "您的工单编号是……，您可以凭编号查询办理进度。"),
    ("complaint", 1, "受理投诉", "非常感谢您对我们工作的监督，您反映的问题我们会转交相关部门认真核查处理，并在规定时限内给您答复。"),
    ("complaint", 2, "行政效能投诉：问清对象", "请问您投诉的工作人员是哪个单位的？是否知道他的姓名和职务？"),
    ("complaint", 3, "投诉人要求保密", "请您放心，我们会对您的个人信息和投诉内容严格保密。"),
    ("dissatisfied", 1, "对服务表示不满或与其他地方比较",
     "非常感谢您一直以来对我们工作的关注和支持，欢迎您多提宝贵意见，我会把这个问题向相关部门反映，尽快改进。"),
    ("dissatisfied", 2, "来电人情绪激动", "您的心情我非常理解，请您慢慢说，我一定帮您把问题记录清楚、反映到位。"),
    ("beyond_authority", 1, "超出坐席权限",
     "对不起，这超出了我的权限范围，虽然我不能直接为您办理，但我会立即把问题反映给有关部门处理，您看这样好吗？"),
    ("beyond_authority", 2, "不属于热线受理范围",
     "很抱歉，您反映的问题不属于本热线的受理范围，建议您向……反映，联系电话是……。"),
    ("beyond_authority", 3, "无理要求", "对不起，您的要求已经超出了政务服务热线的服务范围，请您谅解！"),
    ("beyond_authority", 4, "来电人为失礼言语道歉", "没关系！请问还有其他可以帮到您的吗？"),
    ("harassment", 1, "无业务诉求", "对不起，请问您还有需要咨询或反映的问题吗？"),
    ("harassment", 2, "仍无业务诉求，停顿2秒后挂机", "对不起，我听不清您的声音，请您换一部电话再拨，谢谢您的来电，再见！"),
    ("harassment", 3, "咨询完毕仍不挂机", "对不起，如果您没有其他问题的话，欢迎您再次拨打12345，谢谢您的来电，再见！"),
    ("technical_fault", 1, "座席故障，转接", "很抱歉，本座席出现技术故障，我现在为您转接到其他座席，请稍候。"),
    ("technical_fault", 2, "座席故障，无法转接", "很抱歉，本座席出现技术故障，请您重新拨打，谢谢您的配合，再见。"),
    ("personal", 1, "询问坐席姓名", "很抱歉，我们在工作时只使用工号，我是……号。"),
    ("personal", 2, "婉拒邀请", "非常感谢您的邀请和对我工作的肯定，但很抱歉不能接受，希望今后继续得到您的支持，谢谢！"),
    ("callback", 1, "回访开场", "您好，这里是12345政务服务便民热线，您于……反映的……问题，承办单位已经答复：……。"),
    ("callback", 2, "询问是否解决", "请问您反映的问题解决了吗？"),
    ("callback", 3, "询问是否满意", "请问您对办理结果是否满意？"),
    ("callback", 4, "未解决时", "很抱歉问题还没有解决，我们会把您的意见反馈给承办单位重新办理，并再次回复您。"),
    ("callback", 5, "结束回访", "感谢您的配合和监督，祝您生活愉快，再见！"),
    ("closing", 1, "确认无其他问题", "请问还有其他可以帮到您的吗？"),
    ("closing", 2, "来电人致谢", "不客气，这是我应该做的。"),
    ("closing", 3, "结束通话，邀请评价", "请您对我的服务做出评价，谢谢您的来电，祝您生活愉快，再见！"),
]


def seed(apps, schema_editor):
    Phrase = apps.get_model("hotline", "Phrase")
    have = set(Phrase.objects.values_list("scenario", "step"))
    Phrase.objects.bulk_create([Phrase(scenario=s, step=n, title=title, text=text)
                                for s, n, title, text in PHRASES if (s, n) not in have])


class Migration(migrations.Migration):
    dependencies = [("hotline", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
