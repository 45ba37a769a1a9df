"""Every service function that writes records an audit action, and every record names its unit.

The service functions are found, not listed: every public function of every ``services``
module of the project's apps (``<app>/services.py`` and ``<app>/services/*.py``, and the
modules of ``ledger/ingest/``) is read, and one that writes to the database (directly or
through a private helper of its module) must call ``audit`` (directly or through a function
of its module). New services are checked as soon as they exist.

That each record names its unit is built into ``core.audit.audit``: it refuses a record with
no unit unless the call says the action concerns the whole installation.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

from core.audit import AuditWithoutUnit, audit

ROOT = Path(settings.BASE_DIR)

# Calls that write rows. ``update`` and ``delete`` count on a queryset or a model instance;
# ``dict.update`` is told apart by the receiver (see ``_is_write``).
WRITE_METHODS = {
    "save",
    "delete",
    "create",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
QUERYSET_HINTS = {"objects", "filter", "exclude", "all", "select_for_update", "using"}

# Public functions that write but are not actions of a person: each with the reason.
NOT_AUDITED = {
    # Derived data kept in step with the audited write that called it, in its transaction.
    "ledger.services.rollup_units_moved": "aggregate rows follow an audited unit move",
    "ledger.rollup.rollup_units_moved": "aggregate rows follow an audited unit move",
    "ledger.rollup.rollup_apply": "aggregate rows follow an audited import or form",
    # The secret of an authenticator being set up, unconfirmed; the confirmation is audited.
    "security.services.totp_device_begin": "unconfirmed device; security.2fa_enable is audited",
    # The import runs audit through the import module and the registry's services they call.
    "ledger.ingest.batches.import_confirm_channel": "audited by registry's channel service",
    "ledger.ingest.batches.import_batch_run": "audited by ledger.ingest.imports",
    "ledger.ingest.imports.duplicate_result": "answers a duplicate; the first import is audited",
    # Last-use timestamps and throttling state, written on every request.
    "accounts.services.api_token_authenticate": "records a token's last use, not an action",
}


# Modules that only keep derived rows (the roll-up) in step with an audited caller.
DERIVED_MODULES = {
    "ledger.ingest.aggregate",
    "ledger.ingest.activity",  # the channels' activity, kept by the audited import or move
    "ledger.ingest.completeness",  # who reported, kept by the audited import or form review
    "ledger.ingest.tree",  # the kept tables' shared writes, for the three modules above
    "ledger.rollup",
}


@dataclass
class Func:
    name: str
    writes: bool = False
    audits: bool = False
    calls: set[str] = field(default_factory=set)


def _chain(node: ast.AST) -> list[str]:
    names: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Name):
            names.append(node.id)
            return names
        else:
            return names


def _is_write(call: ast.Call) -> bool:
    func = call.func
    if not isinstance(func, ast.Attribute):
        return False
    receiver = _chain(func.value)
    if func.attr in WRITE_METHODS:
        # ``x.save()`` on a form or a file is still a write; ``messages.create`` is not ours.
        return not (func.attr == "create" and receiver[-1:] in (["messages"], ["tempfile"]))
    if func.attr == "update":
        return bool(QUERYSET_HINTS & set(receiver))
    return False


def _functions(tree: ast.Module) -> dict[str, Func]:
    found: dict[str, Func] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        f = Func(node.name)
        for sub in ast.walk(node):
            if not isinstance(sub, ast.Call):
                continue
            if isinstance(sub.func, ast.Name):
                if sub.func.id == "audit":
                    f.audits = True
                f.calls.add(sub.func.id)
            elif _is_write(sub):
                f.writes = True
        found[node.name] = f
    # Through the module's own helpers.
    changed = True
    while changed:
        changed = False
        for f in found.values():
            for callee in f.calls & found.keys():
                g = found[callee]
                if g.writes and not f.writes:
                    f.writes = changed = True
                if g.audits and not f.audits:
                    f.audits = changed = True
    return found


def service_modules() -> list[Path]:
    paths: list[Path] = []
    for config in apps.get_app_configs():
        app = Path(config.path)
        if not app.is_relative_to(ROOT) or ".venv" in app.parts:
            continue
        paths += [p for p in (app / "services.py",) if p.exists()]
        for folder in ("services", "ingest"):
            if (app / folder).is_dir():
                paths += sorted((app / folder).glob("*.py"))
    return paths


def unaudited_writers(paths: list[Path]) -> list[str]:
    problems = []
    for path in paths:
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for name, f in _functions(ast.parse(path.read_text(encoding="utf-8"))).items():
            qualified = f"{module}.{name}"
            if name.startswith("_") or qualified in NOT_AUDITED or module in DERIVED_MODULES:
                continue
            if f.writes and not f.audits:
                problems.append(qualified)
    return problems


def test_the_services_are_found() -> None:
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts) for p in service_modules()}
    assert {"units.services", "registry.services", "hub.services", "factchecks.services"} <= modules


def test_every_service_that_writes_records_an_audit_action() -> None:
    problems = unaudited_writers(service_modules())
    assert not problems, (
        "These service functions write without calling core.audit.audit (or list them in "
        f"NOT_AUDITED with the reason): {problems}"
    )


def test_the_scan_sees_a_write_without_audit(tmp_path: Path) -> None:
    """The guard itself: a writing service with no audit call is reported."""
    module = ROOT / "units" / "_scan_probe.py"
    try:
        module.write_text(
            "def thing_rename(*, thing, name):\n"
            "    helper(thing)\n\n"
            "def helper(thing):\n"
            "    Thing.objects.filter(pk=thing.pk).update(name='x')\n\n"
            "def thing_touch(*, thing):\n"
            "    d = {}\n"
            "    d.update(a=1)\n",
            encoding="utf-8",
        )
        assert unaudited_writers([module]) == [
            "units._scan_probe.thing_rename",
            "units._scan_probe.helper",
        ]
    finally:
        module.unlink()


@pytest.mark.django_db
def test_an_audit_record_without_a_unit_is_refused() -> None:
    from core.models import AuditEvent

    with pytest.raises(AuditWithoutUnit):
        audit(None, "hub.link_posts", None, after={"linked": 1})
    assert not AuditEvent.objects.exists()
    event = audit(None, "unit.load_official", None, installation=True)
    assert event.unit_path == ""


def test_a_hub_approval_names_the_issuing_unit(world: object) -> None:
    from core.models import AuditEvent
    from hub import services
    from hub.tests.factories import item_of

    item = item_of(world, "a_draft")
    services.item_approve(acting_user=world.users_a["administrator"], item=item)  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(action="hub.item.approve")
    assert event.unit_path == item.issuing_unit.path != ""
