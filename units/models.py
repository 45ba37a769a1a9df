from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.fields import PathField

# Unit codes are the path's segments: keep them to characters that sort below "~" so
# that a subtree is the range [path, path + "~") (bytewise: see core.fields.PathField).
CODE_VALIDATOR = RegexValidator(
    r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$",
    _("Mã đơn vị chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới (tối đa 40 ký tự)."),
)
PATH_SEPARATOR = "/"
PATH_END = "~"


# How the people's committee of an administrative unit is named: "UBND tỉnh Quảng Ninh",
# "UBND đặc khu Cô Tô". The official names of cities, wards, communes and special zones
# already start with their kind ("Phường Hoàn Kiếm"); provinces' names do not ("Cao Bằng").
_AUTHORITY_KIND_WORDS = {
    "central_city": "thành phố",
    "province": "tỉnh",
    "ward": "phường",
    "commune": "xã",
    "special_zone": "đặc khu",
}


def default_authority_name(kind: str, name: str) -> str:
    """The authority that speaks for an administrative unit; a department speaks as itself."""
    word = _AUTHORITY_KIND_WORDS.get(kind)
    name = " ".join(name.split())
    if word is None:
        return name
    if name.lower().startswith(word + " "):
        name = name[len(word) + 1 :]
    return f"UBND {word} {name}"


def path_codes(path: str) -> list[str]:
    """The codes of a materialised path, from the root down to the unit itself."""
    return [code for code in path.split(PATH_SEPARATOR) if code]


class Unit(models.Model):
    class Kind(models.TextChoices):
        CENTRAL_CITY = "central_city", _("Thành phố trực thuộc trung ương")
        PROVINCE = "province", _("Tỉnh")
        WARD = "ward", _("Phường")
        COMMUNE = "commune", _("Xã")
        SPECIAL_ZONE = "special_zone", _("Đặc khu")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        AGENCY = "agency", _("Cơ quan, đơn vị sự nghiệp")
        ORGANISATION = "organisation", _("Tổ chức chính trị - xã hội")
        OTHER = "other", _("Đơn vị khác")

    PROVINCE_KINDS = (Kind.CENTRAL_CITY, Kind.PROVINCE)
    COMMUNE_KINDS = (Kind.WARD, Kind.COMMUNE, Kind.SPECIAL_ZONE)

    code = models.CharField(_("mã"), max_length=40, unique=True, validators=[CODE_VALIDATOR])
    name = models.CharField(_("tên"), max_length=200)
    authority_name = models.CharField(
        _("tên cơ quan"),
        max_length=255,
        blank=True,
        help_text=_(
            "Tên cơ quan đứng tên khi đơn vị công bố, ví dụ “UBND tỉnh Quảng Ninh”. "
            "Tỉnh, xã, phường, đặc khu: điền tự động theo loại đơn vị."
        ),
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of codes, e.g. "22/25177/". A subtree is one range scan.
    path = PathField(_("đường dẫn"), max_length=255, unique=True, editable=False)
    level = models.PositiveSmallIntegerField(_("cấp"), editable=False, default=0)
    official = models.BooleanField(
        _("mã chính thức"),
        default=False,
        help_text=_("Mã theo danh mục đơn vị hành chính của Nhà nước (tỉnh 2 số, xã 5 số)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        indexes = [
            models.Index(
                fields=["path"], name="unit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "name"], name="unit_parent_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=0) & Q(level__lte=20), name="unit_level_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The field is never empty, so every page and document can print it as is; an
        # administrative unit's authority follows its official name and kind.
        if self.is_administrative or not self.authority_name:
            self.authority_name = default_authority_name(self.kind, self.name)
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "authority_name" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "authority_name"]
        super().save(*args, **kwargs)

    @property
    def is_administrative(self) -> bool:
        """A province, city, ward, commune or special zone (its authority is a UBND)."""
        return self.kind in self.PROVINCE_KINDS or self.kind in self.COMMUNE_KINDS

    @property
    def subtree_range(self) -> tuple[str, str]:
        return self.path, self.path + PATH_END

    def is_ancestor_or_self_of(self, other: Unit) -> bool:
        return other.path.startswith(self.path)

    def ancestor_codes(self) -> list[str]:
        return path_codes(self.path)

    @staticmethod
    def build_path(parent: Unit | None, code: str) -> str:
        return f"{parent.path if parent else ''}{code}{PATH_SEPARATOR}"
