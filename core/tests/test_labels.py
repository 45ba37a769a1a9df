"""Every audit action and every key of an audit record has a label for people.

The actions and keys are found in the code, not listed: every call of ``audit()`` in the
project's modules is read; its action is the literal argument, or the string constants the
function assigns to (or passes as) ``action``; its keys are those of the dict literals given
as ``before``/``after``, directly, through a local variable, or returned by a helper of the
module (``_snapshot(item)``). A new action or key without a label fails here.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import translation

from core.labels import ACTION_LABELS, FIELD_LABELS, action_label, field_label
from core.tests.visible import visible_text

ROOT = Path(settings.BASE_DIR)
CODE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$")


def _modules() -> list[Path]:
    return [
        p
        for p in ROOT.rglob("*.py")
        if not {".venv", "tests", "migrations", "bench", "node_modules"} & set(p.parts)
    ]


def _is_audit(call: ast.Call) -> bool:
    f = call.func
    return (isinstance(f, ast.Name) and f.id == "audit") or (
        isinstance(f, ast.Attribute) and f.attr == "audit"
    )


def _dict_keys(node: ast.AST) -> set[str]:
    keys: set[str] = set()
    for d in ast.walk(node):
        if isinstance(d, ast.Dict):
            keys |= {
                k.value for k in d.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
            }
    return keys


def _returned_keys(func: ast.FunctionDef) -> set[str]:
    keys: set[str] = set()
    for n in ast.walk(func):
        if isinstance(n, ast.Return) and n.value is not None:
            keys |= _dict_keys(n.value)
    return keys


def scan(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(actions, keys) of the audit calls of one module."""
    helpers = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    actions: set[str] = set()
    keys: set[str] = set()
    for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        calls = [n for n in ast.walk(func) if isinstance(n, ast.Call) and _is_audit(n)]
        if not calls:
            continue
        assigned: dict[str, list[ast.AST]] = {}
        for n in ast.walk(func):
            if isinstance(n, ast.Assign):
                for t in n.targets:
                    if isinstance(t, ast.Name):
                        assigned.setdefault(t.id, []).append(n.value)

        def values_of(node: ast.AST, assigned: dict[str, list[ast.AST]] = assigned) -> set[str]:
            found = _dict_keys(node)
            sources = assigned.get(node.id, []) if isinstance(node, ast.Name) else [node]
            for source in sources:
                found |= _dict_keys(source)
                for c in ast.walk(source):
                    if isinstance(c, ast.Call) and isinstance(c.func, ast.Name):
                        if c.func.id in helpers:
                            found |= _returned_keys(helpers[c.func.id])
            return found

        for call in calls:
            if len(call.args) >= 2:
                arg = call.args[1]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    actions.add(arg.value)
                elif isinstance(arg, ast.Name):
                    actions |= {
                        v.value
                        for v in assigned.get(arg.id, [])
                        if isinstance(v, ast.Constant) and isinstance(v.value, str)
                    }
            for kw in call.keywords:
                if kw.arg in ("before", "after"):
                    keys |= values_of(kw.value)
        # A function that takes the action as a parameter: its callers pass ``action=...``.
    for n in ast.walk(tree):
        if isinstance(n, ast.Call):
            for kw in n.keywords:
                if (
                    kw.arg == "action"
                    and isinstance(kw.value, ast.Constant)
                    and isinstance(kw.value.value, str)
                    and CODE.match(kw.value.value)
                ):
                    actions.add(kw.value.value)
    return actions, keys


def audited_codes() -> tuple[dict[str, str], dict[str, str]]:
    actions: dict[str, str] = {}
    keys: dict[str, str] = {}
    for path in _modules():
        found_actions, found_keys = scan(ast.parse(path.read_text(encoding="utf-8")))
        where = str(path.relative_to(ROOT))
        actions.update({a: where for a in found_actions})
        keys.update({k: where for k in found_keys})
    return actions, keys


def test_every_audit_action_has_a_label() -> None:
    actions, _keys = audited_codes()
    # The scan finds the actions named in the issue, including those passed through a
    # variable (the monthly form's transitions, a channel's re-registration).
    assert {
        "ledger.form_approve",
        "ledger.confirm_request",
        "ledger.import_timed_out",
        "channel.acknowledge_lookalike",
        "channel.reregister",
        "unit.set_authority_name",
        "report.deadline",
        "report.narrative",
    } <= actions.keys()
    missing = {a: where for a, where in actions.items() if a not in ACTION_LABELS}
    assert not missing, f"add these actions to core/labels.py ACTION_LABELS: {missing}"


def test_every_audit_key_has_a_label() -> None:
    from ledger.models import MonthlyForm
    from reports.services import NARRATIVE_FIELDS
    from units.services import LoadStats

    _actions, keys = audited_codes()
    assert {"page_id", "status", "title", "external_id"} <= keys.keys()
    # Keys built from a tuple rather than written as literals.
    for key in (*NARRATIVE_FIELDS, *MonthlyForm.COUNT_FIELDS, *LoadStats().as_dict()):
        keys.setdefault(key, "built from a tuple")
    missing = {k: where for k, where in keys.items() if k not in FIELD_LABELS}
    assert not missing, f"add these keys to core/labels.py FIELD_LABELS: {missing}"


def test_the_scan_finds_an_action_passed_through_a_variable() -> None:
    source = (
        "def f(x):\n"
        "    action = 'thing.do'\n"
        "    before = {'alpha': 1}\n"
        "    audit(None, action, x, before=before, after=_snap(x))\n"
        "def _snap(x):\n"
        "    return {'beta': 2}\n"
        "def g(x):\n"
        "    _transition(x, action='thing.other')\n"
    )
    actions, keys = scan(ast.parse(source))
    assert actions == {"thing.do", "thing.other"}
    assert keys == {"alpha", "beta"}


def test_labels_follow_the_language() -> None:
    with translation.override("en"):
        assert action_label("ledger.form_approve") == "Approve a monthly form"
        assert field_label("page_id") == "page ID"
    with translation.override("vi"):
        assert action_label("ledger.form_approve") == "Duyệt biểu mẫu tháng"
    assert action_label("old.unknown") == "old.unknown"


def test_audit_page_and_csv_show_labels_not_codes(world: object) -> None:
    from core.audit import audit

    w = world
    admin = w.province_users["administrator"]  # type: ignore[attr-defined]
    audit(
        admin,
        "channel.set_external_id",
        w.commune_a,  # type: ignore[attr-defined]
        before={"external_id": ""},
        after={"external_id": "123456"},
    )
    client = Client()
    client.force_login(admin)
    html = visible_text(client.get("/security/audit/").content.decode())
    assert "Gắn mã trang cho kênh" in html
    assert "channel.set_external_id" not in html
    assert "mã trang" in html and "external_id" not in html
    csv_text = client.get("/security/audit.csv").content.decode()
    assert "Gắn mã trang cho kênh" in csv_text
    assert "mã trang" in csv_text
    client.cookies["django_language"] = "en"
    try:
        html = visible_text(client.get("/security/audit/").content.decode())
        assert "Set a channel's page ID" in html and "page ID" in html
    finally:
        translation.activate("vi")


def test_coded_values_show_their_labels(world: Any) -> None:
    """A status, a platform or a kind in an audit record is shown as people say it."""
    from core.audit import audit
    from registry.tests.factories import channel_of

    channel = channel_of(world, "a")
    admin = world.province_users["administrator"]
    audit(
        admin,
        "channel.verify",
        channel,
        before={"status": "pending"},
        after={"status": "verified", "platform": "facebook", "note": "pending"},
    )
    client = Client()
    client.force_login(admin)
    text = visible_text(client.get("/security/audit/").content.decode())
    assert "Chờ xác minh" in text and "Đã xác minh" in text and "Trang Facebook" in text
    lines = text.splitlines()
    assert "verified" not in lines and "facebook" not in lines
    # A free-text value that happens to spell a code stays as written.
    assert "pending" in lines
    csv_text = client.get("/security/audit.csv").content.decode()
    assert '"trạng thái"": ""Đã xác minh""' in csv_text
    assert "registry.channel" not in csv_text
