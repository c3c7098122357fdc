"""Organisation: the unit tree, service sites, windows, staff and role memberships (SPEC §1)."""
from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .roles import Role

division_code = RegexValidator(r"^\d{9}$", _("行政区划代码应为 9 位数字。"))


class Unit(models.Model):
    """A node of the organisation tree: an administrative region, a department or an enterprise.

    `path` is the chain of ids ("/1/7/42/"): a subtree is one `startswith` query on both
    SQLite and PostgreSQL, without PostgreSQL-only tree types.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("省")
        CITY = "city", _("市")
        COUNTY = "county", _("县/区")
        TOWNSHIP = "township", _("乡镇/街道")
        VILLAGE = "village", _("村/社区")
        GRID = "grid", _("网格")

    class Kind(models.TextChoices):
        REGION = "region", _("行政区域")
        DEPARTMENT = "department", _("部门")
        ENTERPRISE = "enterprise", _("公共服务企业")

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.REGION)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    division_code = models.CharField(_("行政区划代码"), max_length=9, blank=True, validators=[division_code])
    # 统一社会信用代码 (GB 32100): the 受理/承办单位 code of the national exchange (GB/T 39046 表6–表10).
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name=_("上级"))
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        ordering = ["path"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [models.UniqueConstraint(fields=["division_code", "kind"], name="unit_code_unique",
                                               condition=~models.Q(division_code=""))]

    def __str__(self) -> str:
        return self.name

    def _computed_path(self) -> str:
        return f"{self.parent.path if self.parent_id else '/'}{self.pk}/"

    @transaction.atomic
    def save(self, *args, **kwargs):
        if self.pk is None:
            super().save(*args, **kwargs)
            self.path = self._computed_path()
            Unit.objects.filter(pk=self.pk).update(path=self.path)
            return
        old_path = Unit.objects.filter(pk=self.pk).values_list("path", flat=True).first()
        self.path = self._computed_path()
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(Value(self.path), Substr("path", len(old_path) + 1)))

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "~"):
            raise ValidationError({"parent": _("上级单位不能是自身或下级单位。")})

    def is_within(self, other: Unit) -> bool:
        return self.path.startswith(other.path)

    def ancestors(self):
        ids = [int(p) for p in self.path.strip("/").split("/") if p]
        return Unit.objects.filter(pk__in=ids).order_by("path")


class Site(models.Model):
    class Kind(models.TextChoices):
        CENTER = "center", _("政务服务中心")
        TOWNSHIP = "township", _("便民服务中心")
        STATION = "station", _("便民服务站/代办点")
        HALL = "hall", _("营业厅")

    class Status(models.TextChoices):
        PILOT = "pilot", _("试点")
        ACTIVE = "active", _("运行")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="sites", verbose_name=_("所属单位"))
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    hall_area = models.PositiveIntegerField(_("大厅面积（㎡）"), null=True, blank=True)
    opening_hours = models.CharField(_("办公时间"), max_length=200, blank=True)
    phone = models.CharField(_("咨询电话"), max_length=30, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=30, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    # WGS-84 degrees, for the dashboard's map; optional (a site without them is simply not on the map).
    latitude = models.DecimalField(_("纬度"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=8, decimal_places=5, null=True, blank=True)

    class Meta:
        ordering = ["unit__path", "name"]
        verbose_name = _("服务场所")
        verbose_name_plural = _("服务场所")

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("部门窗口")
        COMPREHENSIVE = "comprehensive", _("综合窗口（无差别）")
        PROXY = "proxy", _("帮办代办")
        COMPLAINT = "complaint", _("投诉受理")
        GUIDE = "guide", _("导办台")

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="windows", verbose_name=_("服务场所"))
    number = models.CharField(_("窗口号"), max_length=10)
    name = models.CharField(_("窗口名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices, default=Kind.SINGLE)
    sign_text = models.CharField(_("窗口吊牌"), max_length=200, blank=True)
    departments = models.ManyToManyField(Unit, blank=True, related_name="windows", verbose_name=_("进驻部门"),
                                         limit_choices_to={"kind": Unit.Kind.DEPARTMENT})
    items = models.ManyToManyField("catalog.Item", blank=True, related_name="windows", verbose_name=_("受理事项"))

    class Meta:
        ordering = ["site", "number"]
        unique_together = [("site", "number")]
        verbose_name = _("窗口")
        verbose_name_plural = _("窗口")

    def __str__(self) -> str:
        return self.label(self.number, self.name)

    @staticmethod
    def label(number: str, name: str) -> str:
        return gettext("%(number)s号 %(name)s") % {"number": number, "name": name}


class Staff(models.Model):
    class Employment(models.TextChoices):
        CIVIL = "civil", _("在编")
        CONTRACT = "contract", _("聘用")
        PART_TIME = "part_time", _("兼职")
        VILLAGE_OFFICIAL = "village_official", _("大学生村官")
        SOCIAL_WORKER = "social_worker", _("社工")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="staff", verbose_name=_("登录账号"))
    name = models.CharField(_("姓名"), max_length=40)
    work_id = models.CharField(_("工号"), max_length=20, unique=True)
    origin_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="staff", verbose_name=_("派出单位"))
    employment = models.CharField(_("用工性质"), max_length=20, choices=Employment.choices)
    position = models.CharField(_("职务"), max_length=40, blank=True)
    photo = models.FileField(_("照片"), upload_to="staff/", blank=True)
    phone = models.CharField(_("联系电话（不公开）"), max_length=20, blank=True)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        ordering = ["work_id"]
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")

    def __str__(self) -> str:
        return self.label(self.name, self.work_id)

    @staticmethod
    def label(name: str, work_id: str) -> str:
        return f"{name}（{work_id}）"


class WindowPost(models.Model):
    """AB 岗: the staff members of a window, each as A (resident) or B (stand-in) post."""

    class Post(models.TextChoices):
        A = "A", _("A岗")
        B = "B", _("B岗")

    window = models.ForeignKey(Window, on_delete=models.CASCADE, related_name="posts", verbose_name=_("窗口"))
    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="posts", verbose_name=_("工作人员"))
    post = models.CharField(_("岗位"), max_length=1, choices=Post.choices)

    class Meta:
        unique_together = [("window", "staff")]
        verbose_name = _("窗口岗位")
        verbose_name_plural = _("窗口岗位")


class Membership(models.Model):
    """Grants a role on a subtree of the unit tree, or on a single site when `site` is set."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("范围单位"))
    site = models.ForeignKey(Site, null=True, blank=True, on_delete=models.CASCADE, related_name="memberships",
                             verbose_name=_("限定场所"))

    class Meta:
        unique_together = [("user", "role", "unit", "site")]
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.site or self.unit}"

    def save(self, *args, **kwargs):
        if self.site_id and not self.unit_id:
            self.unit_id = self.site.unit_id
        super().save(*args, **kwargs)
