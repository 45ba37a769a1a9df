"""Password reset, throttled (issue 18, finding 11): 25 e-mails in 3 s from one address
were sent before. Two limits: per client address (``BANTIN_PASSWORD_RESET_RATE_IP``,
10 an hour) and per e-mail address asked for (``BANTIN_PASSWORD_RESET_RATE_EMAIL``, 3 an
hour). Over the address limit the form answers 429 with a message; over the e-mail
limit it answers as usual but sends nothing, so the page never tells whether the address
has an account, and nobody can fill someone's inbox."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _

from security.ratelimit import client_ip, limit


class ThrottledPasswordResetView(auth_views.PasswordResetView):
    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        rate = getattr(settings, "BANTIN_PASSWORD_RESET_RATE_IP", "10/h")
        if not limit(f"reset-ip:{client_ip(request)}", rate):
            form = self.get_form()
            form.is_valid()
            form.add_error(
                None, _("Bạn đã yêu cầu đặt lại mật khẩu quá nhiều lần. Vui lòng thử lại sau.")
            )
            response = self.render_to_response(self.get_context_data(form=form))
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        email = str(form.cleaned_data.get("email", "")).strip().lower()
        rate = getattr(settings, "BANTIN_PASSWORD_RESET_RATE_EMAIL", "3/h")
        if not limit(f"reset-email:{email}", rate):
            return HttpResponseRedirect(self.get_success_url())  # the same page, no mail
        return super().form_valid(form)
