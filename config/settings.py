"""Bantin settings.

Everything that differs between a laptop demo and a server comes from the environment:
``DATABASE_URL``, ``SECRET_KEY``, ``DEBUG``, ``ALLOWED_HOSTS``. The defaults are safe for the
demo only; ``config.settings_production`` refuses to start without real values.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from connectors.conf import from_environ as _connectors_from_environ

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BANTIN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The demo key is public on purpose: it is only acceptable for a local demo.
# config.settings_production refuses to start with it.
DEMO_SECRET_KEY = "bantin-demo-only-not-secret-0b1d6c5e7f"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or DEMO_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "core",
    "units",
    "accounts",
    "registry",
    "ledger",
    "reports",
    "hub",
    "factchecks",
    "public",
    # Security (issue 8): login throttling, two-factor, CSP, the audit browser, backups.
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "security",
    "connectors",
    # Last, so that Bantin's registration/ templates (password reset, change) win over the
    # admin's, which would show a new user Django's admin look.
    "core.admin_apps.BantinAdminConfig",  # django.contrib.admin, read-only (core.admin_site)
]

MIDDLEWARE = [
    "security.middleware.ProxiedClientIPMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "security.csp.CSPMiddleware",  # django-csp's, a plain response's header built once
    "security.middleware.RejectNullCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.VietnameseFirstLocaleMiddleware",
    # GET /api/registry/lookup is answered here, with every header above: the public check
    # has no session, user, form or login, and what follows cost a third of its CPU.
    "registry.middleware.PublicLookupMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "security.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.audit.AuditIPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.bantin",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'bantin.sqlite3'}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web process read while the worker writes an import.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in-memory for the test suite
elif os.environ.get("BANTIN_TEST_DB_TEMPLATE"):
    # The test database copies this one's locale (CI: an ICU vi-VN database, .ci/run).
    DATABASES["default"]["TEST"] = {"TEMPLATE": os.environ["BANTIN_TEST_DB_TEMPLATE"]}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: refuses a locked-out login before the password is checked.
    "security.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Language and formats: Vietnamese first, English second.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploads are never public: views check who asks, then hand the file over (core.downloads).
# Set to nginx's internal location (production) to send it with X-Accel-Redirect; empty =
# Django streams the file (demo).
BANTIN_MEDIA_ACCEL_PREFIX = os.environ.get("BANTIN_MEDIA_ACCEL_PREFIX", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "bantin@localhost")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Bantin's own settings.
BANTIN = {
    "IMPORT_MAX_BYTES": int(os.environ.get("BANTIN_IMPORT_MAX_BYTES", 50 * 1024 * 1024)),
    "SITE_NAME": os.environ.get("BANTIN_SITE_NAME", "Bantin"),
    # Seconds a background task may run before the worker stops it (ledger/worker.py).
    "TASK_TIME_LIMIT": int(os.environ.get("BANTIN_TASK_TIME_LIMIT", 30 * 60)),
    # How much the worker lowers its CPU priority (nice): imports yield the cores to the
    # people waiting for a page (docs/deployment.md).
    "WORKER_NICE": int(os.environ.get("BANTIN_WORKER_NICE", 10)),
}

# Connected channels (issue 17): the platforms' base URLs, app credentials, token keys and
# the sync's limits, all from the environment (connectors/conf.py lists them).
BANTIN_CONNECTORS = _connectors_from_environ(os.environ)

# --- Security (issue 8) -------------------------------------------------------------------
# Login throttling (django-axes): 5 failures for one username from one address lock that
# pair out for 30 minutes; an administrator of the user's unit can unlock earlier (audited).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "security.ratelimit.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token"]

# Sessions end after 8 hours without a request; a password change ends the other sessions
# (Django checks the session's password hash on every request).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", 8 * 60 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Two-factor (django-otp, TOTP + recovery codes). Administrators must verify a second
# factor before any other page when this is True (config.settings_production sets it).
BANTIN_REQUIRE_2FA_FOR_ADMINS = env_bool("BANTIN_REQUIRE_2FA_FOR_ADMINS", True)
OTP_TOTP_ISSUER = "Bantin"
# X-Forwarded-For is believed only from these peers (addresses, networks, or "unix" for
# gunicorn's Unix socket); none by default, so the header is ignored (security.middleware).
BANTIN_TRUSTED_PROXIES = env_list("BANTIN_TRUSTED_PROXIES", [])

# Content-Security-Policy (django-csp 4): no inline script or style anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Public lookups ("is this page official?", page and API): per client address. Empty = off.
BANTIN_LOOKUP_RATE = os.environ.get("BANTIN_LOOKUP_RATE", "120/m") or None
