"""Load the demo data into the database (`python manage.py demo`).

Idempotent and non-destructive: every row is looked up by its natural key (division code, department
name, site, window number, work ID, item code, username) and created only when missing; existing
rows, including anything edited in the admin, are left as they are, and nothing is deleted. A guide
version is published only for items that have none yet. Demo counter cases (demo/cases.py), their
ratings (demo/ratings.py) and the hotline's work orders (demo/hotline.py) are created once, through the
services at past moments, after everything else exists; then months of generated history are added once
(demo/history.py) and the statistics rollups are rebuilt, so dashboards are right at once. Everything runs in
one transaction.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from bianmin.catalog.guides import publish_guide
from bianmin.catalog.models import Condition, Item, Material
from bianmin.core import sms
from bianmin.orgs.models import Membership, Site, Staff, Unit, Window, WindowPost

from . import cases as case_data
from . import hall as hall_data
from . import history as history_data
from . import hotline as hotline_data
from . import items as item_data
from . import ratings as rating_data
from . import regions
from . import sites as site_data
from . import staffops as staffops_data
from . import users as user_data

EFFECTIVE_DATE = dt.date(2024, 1, 1)
PUBLISH_NOTE = "初始发布"


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    created: Counter = field(default_factory=Counter)
    published: int = 0
    sign_ins: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    history: history_data.Result | None = None
    rollup_days: int = 0


class _Loader:
    def __init__(self, history_months: int | None = None, progress: Progress | None = None) -> None:
        self.summary = Summary()
        self.history_months = history_months
        self.progress: Progress = progress or (lambda stage, done=None, total=None: None)

    # -- generic helpers ------------------------------------------------------------------
    def one(self, model, lookup: dict, defaults: dict | None = None):
        obj, created = model.objects.get_or_create(**lookup, defaults=defaults or {})
        if created:
            self.summary.created[model._meta.model_name] += 1
        return obj

    def many(self, model, key: tuple[str, ...], rows: list[dict]) -> dict[tuple, object]:
        """Create the rows whose natural key is missing (one query to read, one bulk insert)."""
        existing = {tuple(getattr(o, k) for k in key): o
                    for o in model.objects.filter(**{f"{key[0]}__in": {r[key[0]] for r in rows}})}
        found: dict[tuple, object] = {}
        new = []
        for row in rows:
            k = tuple(row[f] for f in key)
            if k in found:
                continue
            obj = existing.get(k)
            if obj is None:
                obj = model(**row)
                new.append(obj)
            found[k] = obj
        model.objects.bulk_create(new)
        self.summary.created[model._meta.model_name] += len(new)
        return found

    def link(self, through, left: str, right: str, pairs: set[tuple[int, int]]) -> None:
        """Add the missing rows of a many-to-many table (never removes any)."""
        if not pairs:
            return
        have = set(through.objects.filter(**{f"{left}__in": {a for a, _ in pairs}}).values_list(left, right))
        through.objects.bulk_create([through(**{left: a, right: b}) for a, b in sorted(pairs - have)])

    # -- regions and departments ----------------------------------------------------------
    def region(self, name: str, code: str, level: str, parent: Unit | None) -> Unit:
        return self.one(Unit, {"division_code": code, "kind": Unit.Kind.REGION},
                        {"name": name, "level": level, "parent": parent})

    def load_regions(self) -> None:
        province = self.region(regions.PROVINCE["name"], regions.PROVINCE["code"], Unit.Level.PROVINCE, None)
        city = self.region(regions.CITY["name"], regions.CITY["code"], Unit.Level.CITY, province)
        county = self.region(regions.COUNTY["name"], regions.COUNTY["code"], Unit.Level.COUNTY, city)
        self.province, self.county = province, county
        self.townships: dict[str, Unit] = {}
        self.villages: list[tuple[Unit, Unit]] = []  # (township, village)
        for t, (name, code3, _address, _area, villages) in enumerate(regions.TOWNSHIPS):
            township = self.region(name, regions.township_code(code3), Unit.Level.TOWNSHIP, county)
            self.townships[name] = township
            for v, village_name in enumerate(villages):
                village = self.region(village_name, regions.village_code(t, v), Unit.Level.VILLAGE, township)
                self.villages.append((township, village))
        self.departments: dict[str, Unit] = {
            key: self.one(Unit, {"parent": county, "kind": Unit.Kind.DEPARTMENT, "name": name},
                          {"level": Unit.Level.COUNTY})
            for key, (name, *_rest) in regions.DEPARTMENTS.items()
        }

    # -- national exchange ----------------------------------------------------------------
    def load_exchange(self) -> None:
        """The county reports to the upstream platform under the national profile, before any case or rating is
        made, so the demo's records are in the outbox. The link sends only with EXCHANGE_DEMO=1 (`make run` then
        starts the test upstream at EXCHANGE_DEMO_URL); otherwise it is paused and the queue only fills up."""
        import os

        from bianmin.exchange.models import ExchangeLink

        for n, unit in enumerate([self.county, *self.departments.values()], start=1):
            if not unit.credit_code:  # fictional, well-formed 统一社会信用代码 (GB 32100: 18 characters)
                unit.credit_code = f"11{regions.COUNTY_PREFIX}MB{n:07d}X"
                unit.save(update_fields=["credit_code"])
        ExchangeLink.objects.update_or_create(unit=self.county, defaults={
            "profile": "gbt39046-2020", "url": os.environ.get("EXCHANGE_DEMO_URL", "http://127.0.0.1:8811"),
            "active": os.environ.get("EXCHANGE_DEMO") == "1"})

    # -- service items --------------------------------------------------------------------
    def load_items(self) -> None:
        county_code = regions.COUNTY_PREFIX
        self.items: dict[str, Item] = {}
        for data in item_data.ITEMS:
            dept_key, number = data["key"][:2], int(data["key"][2:])
            _name, _short, dept_code, phone = regions.DEPARTMENTS[dept_key]
            basic = f"{item_data.TYPE_CODES[data['type']]}{dept_code}{number:03d}00"
            statutory, statutory_unit, committed, committed_unit = data["limits"]
            flags = data.get("flags", set())
            item, created = Item.objects.get_or_create(code=f"{basic}{county_code}{dept_code}00001", defaults={
                "basic_code": basic, "name": data["name"], "item_type": data["type"], "legal_basis": data["basis"],
                "accepting_unit": self.departments[dept_key], "channels": list(data["channels"]),
                "procedure": list(data["procedure"]),
                "statutory_limit": statutory, "statutory_unit": statutory_unit,
                "committed_limit": committed, "committed_unit": committed_unit,
                "fee_standard": data.get("fee", "不收费"), "fee_basis": data.get("fee_basis", ""),
                "consult_phone": phone, "supervision_phone": regions.SUPERVISION_PHONE,
                "handling_type": data["handling"], "at_most_once": "once" in flags,
                "online": item_data.ONLINE in data["channels"], "bookable": "book" in flags,
                "tolerant": "tolerant" in flags, "high_frequency": "hot" in flags,
                "secret": data.get("secret", False),
                "result_notice_workdays": data.get("notice_workdays", 0),
            })
            if created:
                self.summary.created["item"] += 1
                Condition.objects.bulk_create(
                    [Condition(item=item, order=i, text=text) for i, text in enumerate(data["conditions"], 1)])
                Material.objects.bulk_create(
                    [Material(item=item, order=i, **m) for i, m in enumerate(data["materials"], 1)])
            self.items[data["key"]] = item
        unpublished = Item.objects.filter(pk__in=[i.pk for i in self.items.values()], versions__isnull=True)
        for item in unpublished.select_related("accepting_unit"):
            publish_guide(item, effective_date=EFFECTIVE_DATE, note=PUBLISH_NOTE)
            self.summary.published += 1

    def select_items(self, selectors: list[str]) -> set[int]:
        """Resolve window item selectors (see demo/sites.py) to item ids."""
        chosen: set[int] = set()
        for data in item_data.ITEMS:
            key = data["key"]
            for s in selectors:
                if (s == key or s == key[:2]
                        or (s == "@proxy" and item_data.PROXY in data["channels"])
                        or (s == "@village" and data.get("village"))
                        or (s == "@township" and data.get("township"))
                        or (s.startswith("@township:") and data.get("township") == s.split(":", 1)[1])):
                    chosen.add(self.items[key].pk)
        return chosen

    # -- sites, windows, staff and AB posts -----------------------------------------------
    def load_sites(self) -> None:
        c = site_data.COUNTY_CENTRE
        rows = [{"unit_id": self.county.pk, "kind": Site.Kind.CENTER, "name": c["name"], "address": c["address"],
                 "hall_area": c["hall_area"], "opening_hours": c["opening_hours"], "phone": c["phone"],
                 "complaint_phone": c["complaint_phone"], **site_data.coordinates(0, 0)}]
        for t, (name, code3, address, area, _villages) in enumerate(regions.TOWNSHIPS, 1):
            rows.append({"unit_id": self.townships[name].pk, "kind": Site.Kind.TOWNSHIP, "name": f"{name}便民服务中心",
                         "address": f"{regions.COUNTY['name']}{name}{address}", "hall_area": area,
                         "opening_hours": site_data.TOWNSHIP_HOURS, "phone": f"0123-66{code3}00",
                         "complaint_phone": f"0123-66{code3}15", **site_data.coordinates(t, 0)})
        township_number = {name: t for t, (name, *_rest) in enumerate(regions.TOWNSHIPS, 1)}
        for n, (township, village) in enumerate(self.villages):
            office = "居民委员会" if village.name.endswith("社区") else "村民委员会"
            pilot = township.name == regions.PILOT_TOWNSHIP
            rows.append({"unit_id": village.pk, "kind": Site.Kind.STATION, "name": f"{village.name}便民服务站",
                         "address": f"{regions.COUNTY['name']}{township.name}{village.name}{office}一楼",
                         "hall_area": 30 + (n * 7) % 40, "opening_hours": site_data.STATION_HOURS,
                         "phone": f"0123-67{village.division_code[-3:]}01",
                         "complaint_phone": f"0123-66{township.division_code[-3:]}15",
                         "status": Site.Status.PILOT if pilot else Site.Status.ACTIVE,
                         **site_data.coordinates(township_number.get(township.name, 0), n + 1)})
        sites = self.many(Site, ("unit_id", "kind"), rows)
        self.centre = sites[(self.county.pk, Site.Kind.CENTER)]
        self.township_sites = {name: sites[(unit.pk, Site.Kind.TOWNSHIP)] for name, unit in self.townships.items()}
        self.stations = [(village, sites[(village.pk, Site.Kind.STATION)]) for _t, village in self.villages]

    def load_windows(self) -> None:
        windows: list[dict] = []  # window row + departments, item selectors and staffing
        staff: list[dict] = []
        posts: list[tuple[tuple, str, str]] = []  # (window key, work id, post)
        names = iter(range(10_000))

        def person(work_id: str, origin: Unit, employment: str, position: str) -> str:
            staff.append({"work_id": work_id, "name": site_data.staff_name(next(names)), "origin_unit_id": origin.pk,
                          "employment": employment, "position": position})
            return work_id

        def window(site: Site, spec: dict, sign: str) -> tuple:
            windows.append({"row": {"site_id": site.pk, "number": spec["number"], "name": spec["name"],
                                    "kind": spec["kind"], "sign_text": sign[:200]},
                            "departments": spec.get("departments", []), "items": spec["items"]})
            return (site.pk, spec["number"])

        gov = self.departments["gov"]
        rotation: list[tuple[tuple, str]] = []
        for spec in site_data.COUNTY_WINDOWS:
            key = window(self.centre, spec, spec["sign"])
            origin = self.departments[spec["departments"][0]] if spec["departments"] else gov
            if spec["staff"] == "rotate":
                rotation.append((key, person(f"ZW{spec['number']}1", gov, "contract", "综合受理员")))
            else:
                position, employment_a, employment_b = spec["staff"]
                posts.append((key, person(f"ZW{spec['number']}1", origin, employment_a, position), "A"))
                posts.append((key, person(f"ZW{spec['number']}2", origin, employment_b, position), "B"))
        posts += self.rotate(rotation)

        for name, code3, _address, _area, _villages in regions.TOWNSHIPS:
            site, township = self.township_sites[name], self.townships[name]
            rotation = []
            for spec in site_data.TOWNSHIP_WINDOWS:
                departments = "、".join(regions.DEPARTMENTS[d][1] for d in spec["departments"]) or "无差别综合受理"
                key = window(site, spec, f"{name}便民服务中心｜{spec['name']}｜{departments}｜咨询电话 {site.phone}")
                rotation.append((key, person(f"BM{code3}{spec['number']}01", township, spec["employment"],
                                             f"{spec['name']}经办人")))
            posts += self.rotate(rotation)

        spec = site_data.STATION_WINDOW
        for village, site in self.stations:
            key = window(site, spec, f"{site.name}｜全程代办｜代办员值守时间 {site_data.STATION_HOURS}")
            code3 = village.division_code[-3:]
            community = village.name.endswith("社区")
            posts.append((key, person(f"DB{code3}01", village, "part_time",
                                      "社区居委会委员兼代办员" if community else "村委会委员兼代办员"), "A"))
            posts.append((key, person(f"DB{code3}02", village, "social_worker" if community else "village_official",
                                      "社区社工" if community else "大学生村官"), "B"))

        window_objs = self.many(Window, ("site_id", "number"), [w["row"] for w in windows])
        staff_objs = self.many(Staff, ("work_id",), staff)
        self.link(Window.departments.through, "window_id", "unit_id",
                  {(window_objs[(w["row"]["site_id"], w["row"]["number"])].pk, self.departments[d].pk)
                   for w in windows for d in w["departments"]})
        self.link(Window.items.through, "window_id", "item_id",
                  {(window_objs[(w["row"]["site_id"], w["row"]["number"])].pk, item_id)
                   for w in windows for item_id in self.select_items(w["items"])})
        self.many(WindowPost, ("window_id", "staff_id"),
                  [{"window_id": window_objs[key].pk, "staff_id": staff_objs[(work_id,)].pk, "post": post}
                   for key, work_id, post in posts])
        self.window_count, self.staff_count = len(window_objs), len(staff_objs)

    @staticmethod
    def rotate(rotation: list[tuple[tuple, str]]) -> list[tuple[tuple, str, str]]:
        """AB 岗 by rotation: each clerk is A at their own window and B at the next one."""
        posts = []
        for i, (key, work_id) in enumerate(rotation):
            posts.append((key, work_id, "A"))
            posts.append((rotation[(i + 1) % len(rotation)][0], work_id, "B"))
        return posts

    # -- sign-ins -------------------------------------------------------------------------
    def scope(self, name: str) -> tuple[Unit, Site | None]:
        if name == "province":
            return self.province, None
        if name == "county":
            return self.county, None
        if name == "centre":
            return self.county, self.centre
        kind, _, key = name.partition(":")
        if kind == "dept":
            return self.departments[key], None
        if kind == "township":
            return self.townships[key], self.township_sites[key]
        raise ValueError(f"unknown demo scope {name!r}")

    def load_users(self) -> None:
        User = get_user_model()
        # Hash the shared demo password once: Argon2 is deliberately slow, and these accounts share it anyway.
        password_hash = None
        for spec in user_data.USERS:
            user = User.objects.filter(username=spec["username"]).first()
            staff = None
            if spec.get("staff"):
                extra = spec.get("staff_new")
                if extra:
                    origin, _site = self.scope(extra["origin"])
                    self.one(Staff, {"work_id": spec["staff"]},
                             {"name": extra["name"], "origin_unit": origin, "employment": extra["employment"],
                              "position": extra["position"]})
                staff = Staff.objects.get(work_id=spec["staff"])
            if user is None:
                superuser = spec.get("superuser", False)
                user = User(username=spec["username"], first_name=staff.name if staff else spec.get("name", ""),
                            is_staff=superuser, is_superuser=superuser)
                password_hash = password_hash or make_password(user_data.DEMO_PASSWORD)  # demo data only
                user.password = password_hash
                user.save()
                self.summary.created["user"] += 1
            if staff is not None and staff.user_id is None:
                staff.user = user
                staff.save(update_fields=["user"])
            for role, scope in spec["roles"]:
                unit, site = self.scope(scope)
                self.one(Membership, {"user": user, "role": role, "unit": unit, "site": site})
            self.summary.sign_ins.append((spec["username"], spec["note"]))

    # -- counter cases --------------------------------------------------------------------
    def load_cases(self) -> None:
        result = case_data.load(self)
        self.summary.created["case"] += result.created
        self.summary.notes += result.notes
        self.case_count = result.total

    # -- 好差评 and the bad-review loop ------------------------------------------------------
    def load_ratings(self) -> None:
        result = rating_data.load()
        self.summary.created["rating"] += result.created
        self.summary.created["ticket"] += result.tickets
        self.summary.notes += result.notes

    # -- 12345 hotline: dispatch catalogue and work orders -----------------------------------
    def load_hotline(self) -> None:
        result = hotline_data.load(self)
        self.summary.created["dispatchcategory"] += result.categories
        self.summary.created["workorder"] += result.created
        self.summary.notes += result.notes

    # -- hall operations: hours, duty day, sign-ins, the morning's queue, appointments ------------------
    def load_hall(self) -> None:
        result = hall_data.load(self)
        self.summary.created.update(result.created)

    # -- staff assessment: attendance, inspections, records, checklist, then scores and awards ----------
    def load_staffops(self) -> None:
        self.summary.created.update(staffops_data.load(self).created)

    # -- months of generated history, then the figures -----------------------------------------
    def load_history(self) -> None:
        """History_months: full months before the current one (None: the setting; negative: no history)."""
        months = self.history_months
        if months is None:
            months = settings.BIANMIN["DEMO_HISTORY_MONTHS"] if settings.BIANMIN["DEMO_HISTORY"] else -1
        if months < 0:
            return
        result = history_data.load(self, months)
        self.summary.history = result
        self.summary.created["history"] += result.cases + result.ratings + result.orders + result.accounts
        self.summary.notes += result.notes

    def refresh_figures(self) -> None:
        """Rebuild the statistics rollups when ratings were added, so the dashboards need not wait for the worker."""
        from bianmin.stats import rollup

        if self.summary.created["rating"] or self.summary.created["history"]:
            self.summary.rollup_days = rollup.rebuild()

    # -- all ------------------------------------------------------------------------------
    def run(self) -> Summary:
        for stage, step in (("地区与部门", self.load_regions), ("数据汇聚", self.load_exchange),
                            ("事项与办事指南", self.load_items),
                            ("服务场所", self.load_sites), ("窗口与工作人员", self.load_windows),
                            ("演示账号", self.load_users), ("演示办件", self.load_cases), ("好差评", self.load_ratings),
                            ("12345 热线", self.load_hotline), ("大厅排队与预约", self.load_hall),
                            ("历史数据", self.load_history),
                            ("统计汇总", self.refresh_figures), ("人员考核", self.load_staffops)):
            self.progress(stage)
            step()
        self.summary.counts = {
            "townships": len(self.townships),
            "villages": len(self.villages),
            "departments": len(self.departments),
            "units": 3 + len(self.townships) + len(self.villages) + len(self.departments),
            "sites": 1 + len(self.township_sites) + len(self.stations),
            "windows": self.window_count,
            "staff": self.staff_count + sum(1 for u in user_data.USERS if u.get("staff_new")),
            "items": len(self.items),
            "cases": self.case_count,
        }
        return self.summary


# progress(stage, done, total): told at each stage and, in long ones, every few hundred steps.
Progress = Callable[..., None]


def load(history_months: int | None = None, progress: Progress | None = None) -> Summary:
    """Load (or complete) the demo data; safe to run any number of times. Demo phone numbers are made
    up, so no text message leaves while loading (feedback messages of the demo tickets included).
    `history_months`: full months of generated history before the current month (None: the settings
    DEMO_HISTORY and DEMO_HISTORY_MONTHS; negative: none)."""
    with sms.held(), transaction.atomic():
        return _Loader(history_months, progress).run()
