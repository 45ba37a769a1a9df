"""Writes to the unit tree. Admin, views, API and commands all call these."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from core.permissions import Role, ensure_role
from units.models import PATH_SEPARATOR, Unit, default_authority_name
from units.selectors import normalise_code


@dataclass
class LoadStats:
    provinces: int = 0
    communes: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    others: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "provinces": self.provinces,
            "communes": self.communes,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


class UnitFileError(ValueError):
    """A unit file was refused whole; the message names the file, line and field."""


@transaction.atomic
def unit_create(
    *,
    acting_user: Any,
    parent: Unit,
    code: str,
    name: str,
    kind: str,
    authority_name: str = "",
) -> Unit:
    """An administrator adds a department, agency or organisation under their unit."""
    if parent is None:
        raise ValidationError({"parent": _("Cần chọn đơn vị cấp trên.")})
    ensure_role(acting_user, parent, Role.ADMINISTRATOR)
    if kind in Unit.PROVINCE_KINDS or kind in Unit.COMMUNE_KINDS:
        raise ValidationError(
            {"kind": _("Tỉnh, xã, phường, đặc khu được nạp từ danh mục chính thức.")}
        )
    unit = Unit(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        parent=parent,
        path=Unit.build_path(parent, code.strip()),
        level=parent.level + 1,
        authority_name=" ".join(authority_name.split()) or default_authority_name(kind, name),
    )
    unit.full_clean()
    unit.save()
    audit(
        acting_user,
        "unit.create",
        unit,
        after={"code": unit.code, "name": unit.name, "authority_name": unit.authority_name},
    )
    return unit


@transaction.atomic
def unit_rename(*, acting_user: Any, unit: Unit, name: str) -> Unit:
    ensure_role(acting_user, unit.parent or unit, Role.ADMINISTRATOR)
    before = {"name": unit.name}
    unit.name = name.strip()
    unit.full_clean()
    unit.save(update_fields=["name", "updated_at"])
    audit(acting_user, "unit.rename", unit, before=before, after={"name": unit.name})
    return unit


@transaction.atomic
def unit_set_authority_name(*, acting_user: Any, unit: Unit, authority_name: str) -> Unit:
    """A department's administrator names the authority it publishes as.

    Provinces, communes, wards and special zones speak as their UBND, named from the
    official list, so their authority name is not edited by hand.
    """
    ensure_role(acting_user, unit, Role.ADMINISTRATOR)
    if unit.is_administrative:
        raise ValidationError(
            {
                "authority_name": _(
                    "Tên cơ quan của tỉnh, xã, phường, đặc khu theo danh mục chính thức, "
                    "không sửa tay."
                )
            }
        )
    value = " ".join(authority_name.split())
    if not value:
        raise ValidationError({"authority_name": _("Tên cơ quan không được để trống.")})
    before = {"authority_name": unit.authority_name}
    unit.authority_name = value
    unit.full_clean()
    unit.save(update_fields=["authority_name", "updated_at"])
    audit(
        acting_user,
        "unit.set_authority_name",
        unit,
        before=before,
        after={"authority_name": unit.authority_name},
    )
    return unit


def _official_divisions(
    province_codes: Iterable[str] | None,
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str, str]]]:
    """(code, name, kind) for provinces and (code, name, kind, province code) for communes."""
    import vietnam_provinces as vp

    kind_map: dict[str, str] = {
        "THANH_PHO_TRUNG_UONG": Unit.Kind.CENTRAL_CITY,
        "TINH": Unit.Kind.PROVINCE,
        "PHUONG": Unit.Kind.WARD,
        "XA": Unit.Kind.COMMUNE,
        "DAC_KHU": Unit.Kind.SPECIAL_ZONE,
    }
    provinces = {
        f"{int(p.code):02d}": (f"{int(p.code):02d}", p.name, kind_map[p.division_type.name])
        for p in vp.Province.iter_all()
    }
    wanted: set[str] | None = None
    if province_codes is not None:
        wanted = set()
        for raw in province_codes:
            code = normalise_code(raw)
            if code not in provinces:
                raise ValueError(
                    _("Không có tỉnh, thành phố mã %(code)s trong danh mục (34 mã hợp lệ).")
                    % {"code": raw}
                )
            wanted.add(code)
    selected = [p for code, p in sorted(provinces.items()) if wanted is None or code in wanted]
    communes = [
        (
            f"{int(w.code):05d}",
            w.name,
            kind_map[w.division_type.name],
            f"{int(w.province_code):02d}",
        )
        for w in vp.Ward.iter_all()
        if wanted is None or f"{int(w.province_code):02d}" in wanted
    ]
    communes.sort()
    return selected, communes


def _repath_descendants(unit: Unit, old_path: str) -> None:
    """After ``unit`` moved from ``old_path``, give every unit under it its new path."""
    shift = unit.level - (old_path.count(PATH_SEPARATOR) - 1)
    below = list(Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk))
    for child in below:
        child.path = unit.path + child.path[len(old_path) :]
        child.level += shift
    Unit.objects.bulk_update(below, ["path", "level"], batch_size=500)


@transaction.atomic
def units_load_official(
    *, acting_user: Any = None, province_codes: Iterable[str] | None = None
) -> LoadStats:
    """Load provinces and their communes, wards and special zones from ``vietnam-provinces``.

    ``province_codes=None`` loads all 34. Running it again creates nothing.
    """
    provinces, communes = _official_divisions(province_codes)
    stats = LoadStats(provinces=len(provinces), communes=len(communes))
    existing = {u.code: u for u in Unit.objects.filter(official=True)}
    by_code: dict[str, Unit] = {}
    to_create: list[Unit] = []
    to_update: list[Unit] = []
    moved: list[tuple[Unit, str]] = []  # (unit, its old path)

    def upsert(code: str, name: str, kind: str, parent: Unit | None) -> Unit:
        path = Unit.build_path(parent, code)
        level = parent.level + 1 if parent else 0
        unit = existing.get(code)
        if unit is None:
            unit = Unit(
                code=code,
                name=name,
                kind=kind,
                parent=parent,
                path=path,
                level=level,
                official=True,
                authority_name=default_authority_name(kind, name),
            )
            to_create.append(unit)
            stats.created += 1
        elif (unit.name, unit.kind, unit.path, unit.parent_id, unit.authority_name) != (
            name,
            kind,
            path,
            parent.pk if parent else None,
            default_authority_name(kind, name),
        ):
            if unit.path != path:
                moved.append((unit, unit.path))
            unit.name, unit.kind, unit.path, unit.level, unit.parent = (
                name,
                kind,
                path,
                level,
                parent,
            )
            unit.authority_name = default_authority_name(kind, name)
            to_update.append(unit)
            stats.updated += 1
        else:
            stats.unchanged += 1
        by_code[code] = unit
        return unit

    for code, name, kind in provinces:
        upsert(code, name, kind, None)
    Unit.objects.bulk_create(to_create, batch_size=500)
    created_provinces = len(to_create)
    to_create.clear()
    for code, name, kind, province_code in communes:
        upsert(code, name, kind, by_code[province_code])
    Unit.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        Unit.objects.bulk_update(
            to_update,
            ["name", "kind", "path", "level", "parent", "authority_name"],
            batch_size=500,
        )
    if moved:
        # Communes move between provinces: disjoint subtrees, one roll-up write.
        for unit, old_path in moved:
            _repath_descendants(unit, old_path)
        from ledger.services import rollup_units_moved

        rollup_units_moved(moves=moved)
    audit(
        acting_user,
        "unit.load_official",
        None,
        after={**stats.as_dict(), "provinces_created": created_provinces},
        installation=True,
    )
    return stats


UNIT_CSV_COLUMNS = ("code", "name", "kind", "parent_code")
_KIND_ALIASES = {
    "department": Unit.Kind.DEPARTMENT,
    "sở": Unit.Kind.DEPARTMENT,
    "so": Unit.Kind.DEPARTMENT,
    "ban": Unit.Kind.DEPARTMENT,
    "agency": Unit.Kind.AGENCY,
    "cơ quan": Unit.Kind.AGENCY,
    "organisation": Unit.Kind.ORGANISATION,
    "organization": Unit.Kind.ORGANISATION,
    "tổ chức": Unit.Kind.ORGANISATION,
    "other": Unit.Kind.OTHER,
    "khác": Unit.Kind.OTHER,
}


@dataclass
class CsvRow:
    line: int
    code: str
    name: str
    kind: str
    parent_code: str
    errors: list[str] = field(default_factory=list)


@transaction.atomic
def units_load_csv(*, acting_user: Any = None, path: Path) -> LoadStats:
    """Add or update departments, agencies and organisations from a CSV file.

    Columns (by name): code, name, kind, parent_code. The whole file is checked first;
    any bad row refuses the file, naming the file, line and field, and nothing is written.
    """
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnitFileError(
            _("%(file)s: không đọc được (cần mã hóa UTF-8): %(error)s")
            % {"file": path.name, "error": exc}
        ) from exc
    sample = text[:2048]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in UNIT_CSV_COLUMNS if c not in header]
    if missing:
        raise UnitFileError(
            _("%(file)s, dòng 1: thiếu cột %(columns)s (cần: code, name, kind, parent_code).")
            % {"file": path.name, "columns": ", ".join(missing)}
        )
    rows: list[CsvRow] = []
    for record in reader:
        rec = {(k or "").strip().lower(): (v or "").strip() for k, v in record.items()}
        rows.append(
            CsvRow(
                line=reader.line_num,
                code=rec["code"],
                name=rec["name"],
                kind=rec["kind"],
                parent_code=normalise_code(rec["parent_code"]),
            )
        )
    known = {u.code: u for u in Unit.objects.all()}
    in_file = {r.code for r in rows}
    problems: list[str] = []
    seen: set[str] = set()
    for row in rows:

        def bad(field_name: str, message: str, row: CsvRow = row) -> None:
            problems.append(
                _("%(file)s, dòng %(line)s, cột %(field)s: %(message)s")
                % {"file": path.name, "line": row.line, "field": field_name, "message": message}
            )

        try:
            Unit._meta.get_field("code").run_validators(row.code)
        except ValidationError as exc:
            bad("code", " ".join(str(m) for m in exc.messages))
        if row.code in seen:
            bad("code", _("mã %(code)s lặp lại trong file") % {"code": row.code})
        seen.add(row.code)
        existing = known.get(row.code)
        if existing is not None and existing.official:
            bad("code", _("mã %(code)s là đơn vị hành chính chính thức") % {"code": row.code})
        if not row.name:
            bad("name", _("không được để trống"))
        kind = _KIND_ALIASES.get(row.kind.lower()) or (
            row.kind if row.kind in dict(Unit.Kind.choices) else None
        )
        if kind is None or kind in Unit.PROVINCE_KINDS or kind in Unit.COMMUNE_KINDS:
            bad(
                "kind",
                _("loại “%(kind)s” không hợp lệ (department, agency, organisation, other)")
                % {"kind": row.kind},
            )
        else:
            row.kind = kind
        if row.parent_code not in known and row.parent_code not in in_file:
            bad("parent_code", _("không có đơn vị mã %(code)s") % {"code": row.parent_code})
    if problems:
        raise UnitFileError("\n".join(problems))

    stats = LoadStats()
    pending = list(rows)
    # Parents may come later in the file: resolve in passes.
    while pending:
        progressed = False
        for row in list(pending):
            parent = known.get(row.parent_code)
            if parent is None:
                continue
            if acting_user is not None:
                ensure_role(acting_user, parent, Role.ADMINISTRATOR)
            unit = known.get(row.code)
            for current in (unit, parent):  # an earlier row may have moved them
                if current is not None and current.pk:
                    current.refresh_from_db(fields=["path", "level"])
            path_value = Unit.build_path(parent, row.code)
            if unit is None:
                unit = Unit(code=row.code)
                stats.created += 1
            elif (unit.name, unit.kind, unit.path) == (row.name, row.kind, path_value):
                stats.unchanged += 1
                pending.remove(row)
                progressed = True
                continue
            else:
                stats.updated += 1
            old_path = unit.path if unit.pk else ""
            unit.name, unit.kind, unit.parent = row.name, row.kind, parent
            unit.path, unit.level = path_value, parent.level + 1
            unit.save()
            if old_path and old_path != unit.path:
                # One move at a time: a later row may move one of its descendants again.
                _repath_descendants(unit, old_path)
                from ledger.services import rollup_units_moved

                rollup_units_moved(moves=[(unit, old_path)])
            known[row.code] = unit
            pending.remove(row)
            progressed = True
        if not progressed:
            raise UnitFileError(
                _("%(file)s, dòng %(line)s, cột parent_code: vòng lặp đơn vị cấp trên")
                % {"file": path.name, "line": pending[0].line}
            )
    stats.others = stats.created + stats.updated + stats.unchanged
    audit(
        acting_user,
        "unit.load_csv",
        None,
        after={"file": path.name, **stats.as_dict()},
        installation=True,
    )
    return stats
