"""A small fixed world for tests: one county, two sites, fixed personas (DESIGN rule 3).

Personas:
- clerk_a     — window clerk at site A (the county centre)
- manager_a   — centre manager of site A
- manager_b   — centre manager of site B (a township centre in the same county)
- supervisor  — county supervisor: sees everything in the county
- handler     — a handler in the civil-affairs department (民政局) of the county
- anonymous   — not signed in
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from bianmin.catalog.models import Condition, HandlingType, Item, ItemType, Material
from bianmin.orgs.models import Membership, Site, Staff, Unit, Window, WindowPost
from bianmin.orgs.roles import Role

PASSWORD = "test-pass-123"


@dataclass
class World:
    county: Unit
    township: Unit
    other_county: Unit
    civil_affairs: Unit
    site_a: Site
    site_b: Site
    site_other: Site
    window_a: Window
    item_committed: Item
    item_instant: Item
    item_joint: Item
    item_reported: Item
    clerk_a: object
    clerk_a2: object
    manager_a: object
    manager_b: object
    supervisor: object
    handler: object
    outsider: object


def make_user(username: str, role: str | None = None, unit: Unit | None = None, site: Site | None = None,
              staff_name: str | None = None, origin: Unit | None = None):
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if role:
        Membership.objects.create(user=user, role=role, unit=unit or site.unit, site=site)
    if staff_name:
        Staff.objects.create(user=user, name=staff_name, work_id=f"W{user.pk:05d}", origin_unit=origin or unit or site.unit,
                             employment=Staff.Employment.CIVIL)
    return user


def make_item(code: str, name: str, unit: Unit, handling: str, limit: int = 5, unit_kind: str = "workdays",
              statutory: int = 20) -> Item:
    item = Item.objects.create(
        basic_code=code[:10], code=code, name=name, item_type=ItemType.CONFIRMATION, accepting_unit=unit,
        statutory_limit=statutory, statutory_unit=unit_kind, committed_limit=limit, committed_unit=unit_kind,
        handling_type=handling, legal_basis="《中华人民共和国测试法》第一条", consult_phone="0000-1234567",
        procedure=["申请", "受理", "审查", "决定", "送达"],
    )
    Condition.objects.create(item=item, order=1, text="申请人为本县户籍居民")
    Material.objects.create(item=item, order=1, name="居民身份证", role=Material.Role.MAIN, form=Material.Form.ORIGINAL)
    Material.objects.create(item=item, order=2, name="户口簿", role=Material.Role.SUPPORTING, form=Material.Form.COPY)
    return item


def build_world() -> World:
    province = Unit.objects.create(name="测试省", level=Unit.Level.PROVINCE, division_code="990000000")
    city = Unit.objects.create(name="测试市", level=Unit.Level.CITY, parent=province, division_code="990100000")
    county = Unit.objects.create(name="测试县", level=Unit.Level.COUNTY, parent=city, division_code="990101000")
    township = Unit.objects.create(name="青山镇", level=Unit.Level.TOWNSHIP, parent=county, division_code="990101001")
    other_county = Unit.objects.create(name="邻县", level=Unit.Level.COUNTY, parent=city, division_code="990102000")
    civil = Unit.objects.create(name="测试县民政局", level=Unit.Level.COUNTY, kind=Unit.Kind.DEPARTMENT, parent=county)
    site_a = Site.objects.create(unit=county, name="测试县政务服务中心", kind=Site.Kind.CENTER, hall_area=2000)
    site_b = Site.objects.create(unit=township, name="青山镇便民服务中心", kind=Site.Kind.TOWNSHIP, hall_area=150)
    site_other = Site.objects.create(unit=other_county, name="邻县政务服务中心", kind=Site.Kind.CENTER)
    window_a = Window.objects.create(site=site_a, number="1", name="综合窗口", kind=Window.Kind.COMPREHENSIVE)
    items = dict(
        item_committed=make_item("ITEM-COMMIT-1", "最低生活保障申请", civil, HandlingType.COMMITTED, limit=5),
        item_instant=make_item("ITEM-INSTANT-1", "护照申领咨询登记", civil, HandlingType.INSTANT, limit=0),
        item_joint=make_item("ITEM-JOINT-1", "残疾人两项补贴申请", civil, HandlingType.JOINT, limit=10),
        item_reported=make_item("ITEM-REPORT-1", "特困人员认定", civil, HandlingType.REPORTED, limit=15),
    )
    window_a.items.set(items.values())
    clerk_a = make_user("clerk_a", Role.CLERK, site=site_a, staff_name="王小红")
    WindowPost.objects.create(window=window_a, staff=clerk_a.staff, post=WindowPost.Post.A)
    clerk_a2 = make_user("clerk_a2", Role.CLERK, site=site_a, staff_name="李明")
    manager_a = make_user("manager_a", Role.MANAGER, site=site_a, staff_name="张主任")
    manager_b = make_user("manager_b", Role.MANAGER, site=site_b, staff_name="赵主任")
    supervisor = make_user("supervisor", Role.SUPERVISOR, unit=county)
    handler = make_user("handler", Role.HANDLER, unit=civil, staff_name="民政经办人")
    outsider = make_user("outsider")
    return World(county=county, township=township, other_county=other_county, civil_affairs=civil,
                 site_a=site_a, site_b=site_b, site_other=site_other, window_a=window_a, **items,
                 clerk_a=clerk_a, clerk_a2=clerk_a2, manager_a=manager_a, manager_b=manager_b,
                 supervisor=supervisor, handler=handler, outsider=outsider)


# ---------------------------------------------------------------- hotline (12345) additions

@dataclass
class HotlineWorld:
    """The hotline on top of the base world. Personas added here (the base ones are unchanged):
    - agent      — 12345 agent (dispatcher) of the county
    - handler2   — a handler in the county's land-resources department (另一个承办单位)
    Units: land (自然资源局), supervision (效能办 / 监察室), discipline (派驻纪检组), all county departments.
    Categories: SHJZ → civil affairs, BDC → land, HJ → civil affairs with its own 5-working-day limit,
    CKTS (simple service complaint) → civil affairs, XNTS (efficiency complaint) → discipline / supervision.
    """

    base: World
    land: Unit
    supervision: Unit
    discipline: Unit
    agent: object
    handler2: object
    social: object
    estate: object
    household: object
    window_complaint: object
    efficiency: object


def build_hotline_world(world: World) -> HotlineWorld:
    from bianmin.hotline.models import DispatchCategory

    def dept(name: str) -> Unit:
        return Unit.objects.create(name=name, level=Unit.Level.COUNTY, kind=Unit.Kind.DEPARTMENT, parent=world.county)

    land = dept("测试县自然资源局")
    supervision = dept("测试县效能办（监察室）")
    discipline = dept("测试县派驻纪检组")
    agent = make_user("agent_a", Role.AGENT, unit=world.county)
    handler2 = make_user("handler2", Role.HANDLER, unit=land, staff_name="自然资源经办人")

    def category(code, name, department, **extra):
        return DispatchCategory.objects.create(code=code, name=name, department=department, **extra)

    return HotlineWorld(
        base=world, land=land, supervision=supervision, discipline=discipline, agent=agent, handler2=handler2,
        social=category("SHJZ", "社会救助", world.civil_affairs, group="求助"),
        estate=category("BDC", "不动产登记", land, group="咨询"),
        household=category("HJ", "户籍办理", world.civil_affairs, limit_amount=5, limit_unit="workdays"),
        window_complaint=category("CKTS", "窗口服务投诉", world.civil_affairs, group="投诉",
                                  default_type="simple_complaint"),
        efficiency=category("XNTS", "行政效能投诉", discipline, group="投诉", efficiency_complaint=True,
                            leadership_department=supervision),
    )
