"""Writes for fact-checks. Every step checks the role, validates, and is audited.

Workflow: draft → in review → published. The editor who publishes must be neither the
author nor the last editor (the two-person rule, core.review; reviewer ≠ author is also a
database constraint). After publishing, a fact-check changes only through a public
correction (one that changes the verdict waits for a second editor), or is withdrawn with a
public notice; it is never deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit
from core.permissions import Role, ensure_role, has_role
from core.review import ensure_second_person, record_edit
from core.text import fold
from factchecks.models import (
    CLAIM_SHORT_MAX,
    Correction,
    FactCheck,
    PendingCorrection,
    Platform,
    PolicyPage,
    Source,
    Suggestion,
    Topic,
    Verdict,
)
from factchecks.text import contains_link, render_markdown
from units.models import Unit


@dataclass(frozen=True)
class SourceIn:
    title: str
    publisher: str
    url: str
    accessed_on: dt.date
    archive_url: str = ""


NO_PEOPLE = _(
    "Không ghi đường dẫn bài đăng hay tài khoản: Bantin kiểm chứng thông tin, không nhắm vào "
    "người chia sẻ. Hãy diễn đạt lại nội dung."
)


def _clean_claim(
    *, claim_short: str, claim_text: str, first_seen: dt.date, platforms: Sequence[str]
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    claim_short = " ".join(claim_short.split())
    claim_text = claim_text.strip()
    if not claim_short:
        errors["claim_short"] = [_("Nhập tóm tắt thông tin cần kiểm chứng.")]
    elif len(claim_short) > CLAIM_SHORT_MAX:
        errors["claim_short"] = [
            _("Tóm tắt tối đa %(max)s ký tự (hiện có %(n)s).")
            % {"max": CLAIM_SHORT_MAX, "n": len(claim_short)}
        ]
    elif contains_link(claim_short):
        errors["claim_short"] = [str(NO_PEOPLE)]
    if not claim_text:
        errors["claim_text"] = [_("Nhập nội dung thông tin đang lan truyền.")]
    elif contains_link(claim_text):
        errors["claim_text"] = [str(NO_PEOPLE)]
    if first_seen > timezone.localdate():
        errors["first_seen"] = [_("Ngày phát hiện không thể ở tương lai.")]
    bad = [p for p in platforms if p not in Platform.values]
    if bad:
        errors["platforms"] = [
            _("Nơi lan truyền không hợp lệ: %(values)s") % {"values": ", ".join(bad)}
        ]
    if errors:
        raise ValidationError(errors)
    ordered = [p for p in Platform.values if p in set(platforms)]
    return {
        "claim_short": claim_short,
        "claim_text": claim_text,
        "first_seen": first_seen,
        "platforms": ordered,
    }


def _check_verdict(verdict: str) -> None:
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": _("Kết luận không hợp lệ: %(v)s") % {"v": verdict}})


def _check_explanation(explanation: str) -> str:
    explanation = explanation.strip()
    if not explanation:
        raise ValidationError({"explanation": _("Nhập phần giải thích.")})
    return explanation


def _check_sources(sources: Sequence[SourceIn]) -> None:
    validate = URLValidator(schemes=["http", "https"])
    for n, s in enumerate(sources, start=1):
        problem = None
        if not s.title.strip():
            problem = _("thiếu tiêu đề")
        elif not s.publisher.strip():
            problem = _("thiếu cơ quan/nơi công bố")
        else:
            for url in filter(None, (s.url, s.archive_url)):
                try:
                    validate(url)
                except ValidationError:
                    problem = _("đường dẫn không hợp lệ: %(url)s") % {"url": url}
                    break
            if problem is None and s.accessed_on > timezone.localdate():
                problem = _("ngày truy cập ở tương lai")
        if problem:
            raise ValidationError(
                {"sources": [_("Nguồn dòng %(n)s: %(problem)s.") % {"n": n, "problem": problem}]}
            )


def _set_sources(factcheck: FactCheck, sources: Sequence[SourceIn]) -> None:
    factcheck.sources.all().delete()
    Source.objects.bulk_create(
        Source(
            factcheck=factcheck,
            position=i,
            title=s.title.strip()[:300],
            publisher=s.publisher.strip()[:200],
            url=s.url.strip(),
            accessed_on=s.accessed_on,
            archive_url=s.archive_url.strip(),
        )
        for i, s in enumerate(sources)
    )


def _set_topics(factcheck: FactCheck, topics: Sequence[str]) -> None:
    objs = []
    for name in topics:
        name = " ".join(name.split())[:60]
        if not name:
            continue
        topic = Topic.objects.filter(folded=fold(name)).first()
        if topic is None:
            topic = Topic(name=name, folded=fold(name))
            topic.full_clean()
            topic.save()
        objs.append(topic)
    factcheck.topics.set(objs)


def _refresh_derived(factcheck: FactCheck) -> None:
    factcheck.explanation_html = render_markdown(factcheck.explanation)
    topic_names = " ".join(factcheck.topics.values_list("name", flat=True))
    factcheck.search_text = fold(
        " ".join([factcheck.claim_short, factcheck.claim_text, factcheck.explanation, topic_names])
    )
    factcheck.save(update_fields=["explanation_html", "search_text", "updated_at"])


def _snapshot(factcheck: FactCheck) -> dict[str, Any]:
    return {
        "claim_short": factcheck.claim_short,
        "claim_text": factcheck.claim_text,
        "first_seen": factcheck.first_seen.isoformat(),
        "platforms": list(factcheck.platforms),
        "verdict": factcheck.verdict,
        "explanation": factcheck.explanation,
        "status": factcheck.status,
        "sources": [
            {**asdict(_source_in(s)), "accessed_on": s.accessed_on.isoformat()}
            for s in factcheck.sources.all()
        ],
        "topics": sorted(factcheck.topics.values_list("name", flat=True)),
    }


def _source_in(s: Source) -> SourceIn:
    return SourceIn(
        title=s.title,
        publisher=s.publisher,
        url=s.url,
        accessed_on=s.accessed_on,
        archive_url=s.archive_url,
    )


@transaction.atomic
def factcheck_create(
    *,
    acting_user: Any,
    unit: Unit,
    claim_short: str,
    claim_text: str,
    first_seen: dt.date,
    platforms: Sequence[str],
    verdict: str,
    explanation: str,
    sources: Sequence[SourceIn] = (),
    topics: Sequence[str] = (),
) -> FactCheck:
    ensure_role(acting_user, unit, Role.EDITOR)
    claim = _clean_claim(
        claim_short=claim_short, claim_text=claim_text, first_seen=first_seen, platforms=platforms
    )
    _check_verdict(verdict)
    explanation = _check_explanation(explanation)
    _check_sources(sources)
    factcheck = FactCheck(
        unit=unit, verdict=verdict, explanation=explanation, author=acting_user, **claim
    )
    record_edit(factcheck, acting_user)
    factcheck.full_clean(exclude=["author", "last_editor"])
    factcheck.save()
    _set_sources(factcheck, sources)
    _set_topics(factcheck, topics)
    _refresh_derived(factcheck)
    audit(acting_user, "factcheck.create", factcheck, after=_snapshot(factcheck))
    return factcheck


@transaction.atomic
def factcheck_update(
    *,
    acting_user: Any,
    factcheck: FactCheck,
    claim_short: str,
    claim_text: str,
    first_seen: dt.date,
    platforms: Sequence[str],
    verdict: str,
    explanation: str,
    sources: Sequence[SourceIn] = (),
    topics: Sequence[str] = (),
) -> FactCheck:
    """Edit a draft or a fact-check in review. Published ones change only by correction."""
    ensure_role(acting_user, factcheck.unit, Role.EDITOR)
    factcheck = FactCheck.objects.select_for_update().get(pk=factcheck.pk)
    if factcheck.is_public:
        raise ValidationError(
            {"__all__": [_("Bài đã đăng chỉ thay đổi được bằng một đính chính công khai.")]}
        )
    before = _snapshot(factcheck)
    claim = _clean_claim(
        claim_short=claim_short, claim_text=claim_text, first_seen=first_seen, platforms=platforms
    )
    _check_verdict(verdict)
    explanation = _check_explanation(explanation)
    _check_sources(sources)
    for key, value in claim.items():
        setattr(factcheck, key, value)
    factcheck.verdict = verdict
    factcheck.explanation = explanation
    factcheck.full_clean()
    factcheck.save(
        update_fields=[
            *claim.keys(),
            "verdict",
            "explanation",
            *record_edit(factcheck, acting_user),
            "updated_at",
        ]
    )
    _set_sources(factcheck, sources)
    _set_topics(factcheck, topics)
    _refresh_derived(factcheck)
    audit(acting_user, "factcheck.update", factcheck, before=before, after=_snapshot(factcheck))
    return factcheck


def _transition(factcheck: FactCheck, expected: str) -> FactCheck:
    locked = FactCheck.objects.select_for_update().get(pk=factcheck.pk)
    if locked.status != expected:
        raise ValidationError(
            {
                "status": [
                    _("Bài đang ở trạng thái “%(status)s”, không thực hiện được bước này.")
                    % {"status": locked.get_status_display()}
                ]
            }
        )
    return locked


@transaction.atomic
def factcheck_submit(*, acting_user: Any, factcheck: FactCheck) -> FactCheck:
    ensure_role(acting_user, factcheck.unit, Role.EDITOR)
    factcheck = _transition(factcheck, FactCheck.Status.DRAFT)
    factcheck.status = FactCheck.Status.IN_REVIEW
    factcheck.submitted_at = timezone.now()
    factcheck.save(update_fields=["status", "submitted_at", "updated_at"])
    audit(acting_user, "factcheck.submit", factcheck, after={"status": factcheck.status})
    return factcheck


@transaction.atomic
def factcheck_return_to_draft(*, acting_user: Any, factcheck: FactCheck, note: str) -> FactCheck:
    ensure_role(acting_user, factcheck.unit, Role.EDITOR)
    factcheck = _transition(factcheck, FactCheck.Status.IN_REVIEW)
    factcheck.status = FactCheck.Status.DRAFT
    factcheck.save(update_fields=["status", "updated_at"])
    audit(
        acting_user,
        "factcheck.return",
        factcheck,
        after={"status": factcheck.status, "note": note.strip()},
    )
    return factcheck


@transaction.atomic
def factcheck_publish(*, acting_user: Any, factcheck: FactCheck) -> FactCheck:
    """Publish a fact-check in review: by an editor who neither wrote nor last edited it."""
    ensure_role(acting_user, factcheck.unit, Role.EDITOR)
    factcheck = _transition(factcheck, FactCheck.Status.IN_REVIEW)
    ensure_second_person(
        acting_user=acting_user, writers=[factcheck.author_id, factcheck.last_editor_id]
    )
    if not factcheck.sources.exists():
        raise ValidationError({"sources": [_("Bài kiểm chứng cần ít nhất một nguồn.")]})
    factcheck.status = FactCheck.Status.PUBLISHED
    factcheck.reviewer = acting_user
    factcheck.published_at = timezone.now()
    factcheck.save(update_fields=["status", "reviewer", "published_at", "updated_at"])
    audit(
        acting_user,
        "factcheck.publish",
        factcheck,
        after={"status": factcheck.status, "author": factcheck.author_id},
    )
    return factcheck


@transaction.atomic
def factcheck_correct(
    *,
    acting_user: Any,
    factcheck: FactCheck,
    what_changed: str,
    reason: str,
    claim_short: str | None = None,
    claim_text: str | None = None,
    verdict: str | None = None,
    explanation: str | None = None,
    sources: Sequence[SourceIn] | None = None,
) -> Correction | PendingCorrection:
    """Change a published fact-check through a dated, public correction. One that changes
    the verdict is only proposed: a second editor approves it (:func:`correction_approve`)."""
    ensure_role(acting_user, factcheck.unit, Role.EDITOR)
    factcheck = _transition(factcheck, FactCheck.Status.PUBLISHED)
    errors: dict[str, list[str]] = {}
    if not what_changed.strip():
        errors["what_changed"] = [_("Nói rõ điều gì đã thay đổi.")]
    if not reason.strip():
        errors["reason"] = [_("Nói rõ lý do đính chính.")]
    if errors:
        raise ValidationError(errors)
    claim = _clean_claim(
        claim_short=factcheck.claim_short if claim_short is None else claim_short,
        claim_text=factcheck.claim_text if claim_text is None else claim_text,
        first_seen=factcheck.first_seen,
        platforms=factcheck.platforms,
    )
    new_verdict = factcheck.verdict if verdict is None else verdict
    _check_verdict(new_verdict)
    new_explanation = _check_explanation(
        factcheck.explanation if explanation is None else explanation
    )
    if sources is not None:
        _check_sources(sources)
        if not sources:
            raise ValidationError({"sources": [_("Bài kiểm chứng cần ít nhất một nguồn.")]})
    proposed: dict[str, Any] = {
        "claim_short": claim["claim_short"],
        "claim_text": claim["claim_text"],
        "verdict": new_verdict,
        "explanation": new_explanation,
        "sources": None
        if sources is None
        else [{**asdict(s), "accessed_on": s.accessed_on.isoformat()} for s in sources],
    }
    if new_verdict != factcheck.verdict:
        pending = PendingCorrection.objects.create(
            factcheck=factcheck,
            what_changed=what_changed.strip(),
            reason=reason.strip(),
            proposed=proposed,
            made_by=acting_user,
        )
        audit(
            acting_user,
            "factcheck.correction_propose",
            factcheck,
            after={"what_changed": pending.what_changed, "verdict": new_verdict},
        )
        return pending
    return _apply_correction(
        factcheck,
        proposed,
        what_changed=what_changed.strip(),
        reason=reason.strip(),
        made_by=acting_user,
        approved_by=None,
        acting_user=acting_user,
    )


@transaction.atomic
def correction_approve(*, acting_user: Any, pending: PendingCorrection) -> Correction:
    """A second editor (not the one who proposed it) publishes a verdict-changing correction."""
    ensure_role(acting_user, pending.factcheck.unit, Role.EDITOR)
    pending = PendingCorrection.objects.select_for_update().get(pk=pending.pk)
    factcheck = _transition(pending.factcheck, FactCheck.Status.PUBLISHED)
    ensure_second_person(acting_user=acting_user, writers=[pending.made_by_id])
    correction = _apply_correction(
        factcheck,
        pending.proposed,
        what_changed=pending.what_changed,
        reason=pending.reason,
        made_by=pending.made_by,
        approved_by=acting_user,
        acting_user=acting_user,
    )
    pending.delete()
    return correction


def _apply_correction(
    factcheck: FactCheck,
    proposed: dict[str, Any],
    *,
    what_changed: str,
    reason: str,
    made_by: Any,
    approved_by: Any,
    acting_user: Any,
) -> Correction:
    before = _snapshot(factcheck)
    factcheck.claim_short = proposed["claim_short"]
    factcheck.claim_text = proposed["claim_text"]
    factcheck.verdict = proposed["verdict"]
    factcheck.explanation = proposed["explanation"]
    factcheck.full_clean()
    factcheck.save(
        update_fields=["claim_short", "claim_text", "verdict", "explanation", "updated_at"]
    )
    if proposed.get("sources") is not None:
        sources = [
            SourceIn(**{**s, "accessed_on": dt.date.fromisoformat(s["accessed_on"])})
            for s in proposed["sources"]
        ]
        _set_sources(factcheck, sources)
    _refresh_derived(factcheck)
    after = _snapshot(factcheck)
    changed = [k for k in after if after[k] != before[k]]
    correction = Correction.objects.create(
        factcheck=factcheck,
        what_changed=what_changed,
        reason=reason,
        changed_fields=changed,
        made_by=made_by,
        approved_by=approved_by,
    )
    audit(acting_user, "factcheck.correct", factcheck, before=before, after=after)
    return correction


@transaction.atomic
def factcheck_withdraw(*, acting_user: Any, factcheck: FactCheck, reason: str) -> FactCheck:
    """Withdraw a published fact-check: it stays online under a visible notice."""
    ensure_role(acting_user, factcheck.unit, Role.EDITOR)
    factcheck = _transition(factcheck, FactCheck.Status.PUBLISHED)
    if not reason.strip():
        raise ValidationError({"reason": [_("Nói rõ lý do rút bài.")]})
    factcheck.status = FactCheck.Status.WITHDRAWN
    factcheck.withdrawn_at = timezone.now()
    factcheck.withdrawal_reason = reason.strip()
    factcheck.save(update_fields=["status", "withdrawn_at", "withdrawal_reason", "updated_at"])
    audit(
        acting_user,
        "factcheck.withdraw",
        factcheck,
        after={"status": factcheck.status, "reason": factcheck.withdrawal_reason},
    )
    return factcheck


@transaction.atomic
def suggestion_create(
    *, unit: Unit, claim_text: str, platform: str, contact: str = ""
) -> Suggestion:
    """A member of the public suggests a claim (no login; rate-limited by the view)."""
    errors: dict[str, list[str]] = {}
    claim_text = claim_text.strip()
    if not claim_text:
        errors["claim_text"] = [_("Nhập thông tin bạn muốn được kiểm chứng.")]
    elif contains_link(claim_text):
        errors["claim_text"] = [
            _(
                "Xin đừng dán đường dẫn bài đăng hay tài khoản: chỉ cần nội dung thông tin "
                "và nơi bạn thấy."
            )
        ]
    if platform not in Platform.values:
        errors["platform"] = [_("Chọn nơi bạn thấy thông tin.")]
    if errors:
        raise ValidationError(errors)
    suggestion = Suggestion(
        unit=unit, claim_text=claim_text, platform=platform, contact=contact.strip()
    )
    suggestion.full_clean()
    suggestion.save()
    audit(None, "factcheck_suggestion.create", suggestion, after={"platform": platform})
    return suggestion


@transaction.atomic
def suggestion_close(*, acting_user: Any, suggestion: Suggestion, status: str) -> Suggestion:
    ensure_role(acting_user, suggestion.unit, Role.EDITOR)
    if status not in (Suggestion.Status.ACCEPTED, Suggestion.Status.DECLINED):
        raise ValidationError({"status": [_("Trạng thái không hợp lệ.")]})
    suggestion.status = status
    suggestion.handled_at = timezone.now()
    suggestion.handled_by = acting_user
    suggestion.save(update_fields=["status", "handled_at", "handled_by"])
    audit(acting_user, "factcheck_suggestion.close", suggestion, after={"status": status})
    return suggestion


def can_edit_policies(user: Any) -> bool:
    """Administrators of a top-level unit (the province office) and the operator."""
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    from core.permissions import home_unit

    unit = home_unit(user)
    return unit is not None and unit.parent_id is None and has_role(user, unit, Role.ADMINISTRATOR)


@transaction.atomic
def policy_update(*, acting_user: Any, kind: str, body: str) -> PolicyPage:
    from django.core.exceptions import PermissionDenied

    if acting_user is not None and not can_edit_policies(acting_user):
        raise PermissionDenied(_("Chỉ quản trị viên cấp tỉnh được sửa trang này."))
    if kind not in PolicyPage.Kind.values:
        raise ValidationError({"kind": [_("Loại trang không hợp lệ.")]})
    body = body.strip()
    if not body:
        raise ValidationError({"body": [_("Nội dung không được để trống.")]})
    page = PolicyPage.objects.select_for_update().filter(kind=kind).first()
    before = {"body": page.body} if page else None
    if page is None:
        page = PolicyPage(kind=kind)
    page.body = body
    page.body_html = render_markdown(body)
    page.updated_by = acting_user
    page.save()
    from core.permissions import home_unit

    # The policy is the installation's; it is filed under the province that edited it.
    province = home_unit(acting_user) if acting_user is not None else None
    audit(
        acting_user,
        "factcheck_policy.update",
        page,
        unit_path=province.path if province else "",
        before=before,
        after={"body": body},
        installation=province is None,
    )
    return page
