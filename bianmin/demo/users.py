"""Demo sign-ins. DEMO DATA ONLY: every account shares the published password below.

scope: "province" / "county" (region units), "dept:<key>" (a county department), "centre" (the county
政务服务中心, site-scoped) or "township:<name>" (that township's 便民服务中心, site-scoped).
staff: the work ID of the Staff record linked to the account; staff_new creates that record first
(for people without a window post, such as centre managers).
"""
from __future__ import annotations

DEMO_PASSWORD = "bianmin-demo"

USERS: list[dict] = [
    {"username": "admin", "name": "韩立新", "superuser": True,
     "roles": [("admin", "province")], "note": "系统管理员（超级用户，可进入 /admin/）"},
    {"username": "demo-clerk", "roles": [("clerk", "centre")], "staff": "ZW011",
     "note": "窗口工作人员 · 县政务服务中心 01号综合窗口 A岗"},
    {"username": "demo-clerk2", "roles": [("clerk", "centre")], "staff": "ZW091",
     "note": "窗口工作人员 · 县政务服务中心 09号不动产登记窗口 A岗"},
    {"username": "demo-manager", "roles": [("manager", "centre")], "staff": "ZW901",
     "staff_new": {"name": "周建华", "origin": "dept:gov", "employment": "civil", "position": "政务服务中心主任"},
     "note": "中心负责人 · 县政务服务中心"},
    {"username": "demo-town-clerk", "roles": [("clerk", "township:青石镇")], "staff": "BM1010101",
     "note": "窗口工作人员 · 青石镇便民服务中心 01号综合窗口 A岗"},
    {"username": "demo-town-manager", "roles": [("manager", "township:青石镇")], "staff": "BM1010001",
     "staff_new": {"name": "罗文静", "origin": "township:青石镇", "employment": "civil",
                   "position": "便民服务中心主任（镇党委副书记兼任）"},
     "note": "中心负责人 · 青石镇便民服务中心"},
    {"username": "demo-supervisor", "name": "郑国平", "roles": [("supervisor", "county")],
     "note": "监督人员 · 澄溪县（全县）"},
    {"username": "demo-agent", "name": "何晓丽", "roles": [("agent", "county")],
     "note": "热线坐席 · 澄溪县 12345 热线"},
    {"username": "demo-handler", "name": "孙丽华", "roles": [("handler", "dept:mz")],
     "note": "承办单位经办人 · 澄溪县民政局"},
    {"username": "demo-handler2", "name": "陆志远", "roles": [("handler", "dept:zr")],
     "note": "承办单位经办人 · 澄溪县自然资源局（不动产登记中心）"},
]
