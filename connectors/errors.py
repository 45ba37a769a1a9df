"""The ways a platform call fails, as the sync tells them apart."""

from __future__ import annotations


class PlatformError(Exception):
    """A platform's refusal or failure, with a machine code and a message for people."""

    code = "platform_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class TokenExpired(PlatformError):
    """The access token is expired or invalid: refresh it and try again."""

    code = "token_expired"


class ReconnectNeeded(PlatformError):
    """The refresh token is expired, used or revoked: a person must connect again."""

    code = "reconnect_needed"


class MetricRefused(PlatformError):
    """The platform refused a metric as unknown or deprecated (Meta's error code 100)."""

    code = "metric_refused"

    def __init__(self, message: str, *, metrics: list[str] | None = None) -> None:
        super().__init__(message)
        self.metrics = metrics or []


class AccountMismatch(PlatformError):
    code = "account_mismatch"


class RateLimited(PlatformError):
    """HTTP 429 (or a platform's own rate-limit answer) beyond what the sync waits for."""

    code = "rate_limited"


class QuotaExhausted(PlatformError):
    """The run's share of a platform's daily quota (YouTube) is spent."""

    code = "quota_exhausted"
