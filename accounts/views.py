from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import services
from accounts.forms import InviteForm
from accounts.selectors import api_tokens_of, memberships_visible_to
from core.forms import add_service_errors
from core.permissions import Role, membership_of
from units.selectors import units_visible_to


def _ensure_administrator(request: HttpRequest) -> None:
    membership = membership_of(request.user)
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise PermissionDenied


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _ensure_administrator(request)
    return render(
        request, "accounts/user_list.html", {"memberships": memberships_visible_to(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_invite(request: HttpRequest) -> HttpResponse:
    _ensure_administrator(request)
    form = InviteForm(request.POST or None, units=units_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_invite(
                acting_user=request.user,
                username=data["username"],
                email=data["email"],
                full_name=data["full_name"],
                unit=data["unit"],
                role=data["role"],
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Đã gửi lời mời tới %(email)s.") % {"email": user.email},
            )
            return redirect("accounts:users")
    return render(request, "accounts/invite.html", {"form": form})


@login_required
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/tokens.html", {"tokens": api_tokens_of(request.user)})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(api_tokens_of(request.user), pk=pk)  # another's: 404
    if token.revoked_at is None:
        services.api_token_revoke(acting_user=request.user, token=token)
        messages.success(
            request,
            _("Đã thu hồi khóa %(prefix)s…: khóa này không dùng được nữa.")
            % {"prefix": token.prefix},
        )
    return redirect("accounts:tokens")
