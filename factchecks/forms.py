from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from factchecks.models import CLAIM_SHORT_MAX, FactCheck, Platform, Source, Verdict
from factchecks.services import SourceIn
from units.models import Unit

NO_PEOPLE_HELP = _(
    "Chỉ ghi nội dung thông tin. Không ghi tên, tài khoản, đường dẫn trang cá nhân hay "
    "đường dẫn bài đăng của người chia sẻ."
)
SOURCES_HELP = _(
    "Mỗi nguồn một dòng: Tiêu đề | Cơ quan công bố | Đường dẫn | Ngày truy cập (dd/mm/yyyy) "
    "| Bản lưu trữ (không bắt buộc)."
)


def parse_sources(text: str) -> list[SourceIn]:
    """One source per line, fields separated by ``|``; errors name the line."""
    sources = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) not in (4, 5):
            raise ValidationError(
                _("Dòng %(n)s: cần 4 hoặc 5 phần ngăn bởi “|”, có %(k)s.")
                % {"n": n, "k": len(parts)}
            )
        try:
            accessed = dt.datetime.strptime(parts[3], "%d/%m/%Y").date()  # noqa: DTZ007
        except ValueError:
            raise ValidationError(
                _("Dòng %(n)s: ngày truy cập “%(d)s” không đúng dạng dd/mm/yyyy.")
                % {"n": n, "d": parts[3]}
            ) from None
        sources.append(
            SourceIn(
                title=parts[0],
                publisher=parts[1],
                url=parts[2],
                accessed_on=accessed,
                archive_url=parts[4] if len(parts) == 5 else "",
            )
        )
    return sources


def sources_as_text(sources: QuerySet[Source]) -> str:
    lines = []
    for s in sources:
        parts = [s.title, s.publisher, s.url, s.accessed_on.strftime("%d/%m/%Y")]
        if s.archive_url:
            parts.append(s.archive_url)
        lines.append(" | ".join(parts))
    return "\n".join(lines)


class SourcesField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 4})

    def clean(self, value: Any) -> list[SourceIn]:  # type: ignore[override]
        text = super().clean(value)
        return parse_sources(text or "")


class ClaimFields(forms.Form):
    claim_short = forms.CharField(
        label=_("Thông tin cần kiểm chứng (ngắn gọn)"),
        max_length=CLAIM_SHORT_MAX,
        help_text=_("Tối đa 75 ký tự, dùng cho danh sách và dữ liệu ClaimReview."),
    )
    claim_text = forms.CharField(
        label=_("Nội dung đang lan truyền (diễn đạt lại)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=NO_PEOPLE_HELP,
    )
    verdict = forms.ChoiceField(label=_("Kết luận"), choices=Verdict.choices)
    explanation = forms.CharField(
        label=_("Giải thích"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Định dạng Markdown: **đậm**, *nghiêng*, danh sách, liên kết."),
    )
    sources = SourcesField(label=_("Nguồn"), required=False, help_text=SOURCES_HELP)


class FactCheckForm(ClaimFields):
    unit = forms.ModelChoiceField(label=_("Đơn vị đăng"), queryset=Unit.objects.none())
    first_seen = forms.DateField(
        label=_("Ngày phát hiện"), widget=forms.DateInput(attrs={"type": "date"})
    )
    platforms = forms.MultipleChoiceField(
        label=_("Nơi lan truyền"),
        choices=Platform.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Chỉ chọn loại nền tảng; không ghi tài khoản hay bài đăng cụ thể."),
    )
    topics = forms.CharField(
        label=_("Chủ đề"),
        required=False,
        max_length=300,
        help_text=_("Ngăn cách bởi dấu phẩy, ví dụ: điện, đất đai."),
    )

    field_order = [
        "unit",
        "claim_short",
        "claim_text",
        "first_seen",
        "platforms",
        "verdict",
        "explanation",
        "sources",
        "topics",
    ]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].to_field_name = "code"  # type: ignore[attr-defined]

    def clean_topics(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["topics"].split(",") if t.strip()]

    @classmethod
    def initial_for(cls, fc: FactCheck) -> dict[str, Any]:
        return {
            "unit": fc.unit.code,
            "claim_short": fc.claim_short,
            "claim_text": fc.claim_text,
            "first_seen": fc.first_seen,
            "platforms": fc.platforms,
            "verdict": fc.verdict,
            "explanation": fc.explanation,
            "sources": sources_as_text(fc.sources.all()),
            "topics": ", ".join(fc.topics.values_list("name", flat=True)),
        }


class CorrectionForm(ClaimFields):
    what_changed = forms.CharField(
        label=_("Điều gì thay đổi"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    reason = forms.CharField(
        label=_("Vì sao"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )
    field_order = ["what_changed", "reason", "claim_short", "claim_text", "verdict"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Ghi chú cho người viết"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


class PolicyForm(forms.Form):
    body = forms.CharField(
        label=_("Nội dung (Markdown)"), widget=forms.Textarea(attrs={"rows": 20})
    )


class SuggestForm(forms.Form):
    claim_text = forms.CharField(
        label=_("Thông tin bạn muốn được kiểm chứng"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Chép hoặc kể lại nội dung thông tin. Không cần và xin đừng ghi tên, tài khoản "
            "hay đường dẫn của người đăng."
        ),
    )
    platform = forms.ChoiceField(
        label=_("Bạn thấy thông tin ở đâu"), choices=[("", "—"), *Platform.choices]
    )
    contact = forms.CharField(
        label=_("Cách liên hệ với bạn (không bắt buộc)"),
        max_length=200,
        required=False,
        help_text=_(
            "Thư điện tử hoặc số điện thoại của chính bạn, nếu muốn nhận trả lời. "
            "Chỉ dùng để trả lời đề nghị này."
        ),
    )
    # Honeypot: hidden from people by CSS; a bot that fills it is ignored.
    website = forms.CharField(
        label=_("Để trống ô này"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    unit = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
