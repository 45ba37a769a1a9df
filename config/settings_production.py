"""Production profile: ``DJANGO_SETTINGS_MODULE=config.settings_production``.

Everything in ``config.settings``, plus HTTPS-only cookies, HSTS, a real secret key and
host names from the environment, and two-factor for administrators. It refuses to start
with the demo's public key or without ALLOWED_HOSTS. Served by gunicorn behind nginx
(see docs/deploy.md and deploy/).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.settings import *  # noqa: F403
from config.settings import DEMO_SECRET_KEY, VAR_DIR, env_bool, env_list

DEBUG = False

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY or SECRET_KEY == DEMO_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment to a random value of at least 50 "
        "characters (python -c 'import secrets; print(secrets.token_urlsafe(64))'); "
        "the demo key is public."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names (comma-separated).")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", [f"https://{host.lstrip('.')}" for host in ALLOWED_HOSTS]
)

# HTTPS only. nginx terminates TLS and sets X-Forwarded-Proto (deploy/nginx/bantin.conf).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# nginx passes the client's address in X-Forwarded-For (login throttling, audit, limits);
# it is believed only from nginx: the local addresses and gunicorn's Unix socket.
BANTIN_TRUSTED_PROXIES = env_list("BANTIN_TRUSTED_PROXIES", ["127.0.0.1", "::1", "unix"])
# Administrators must pass a second factor (TOTP or a recovery code).
BANTIN_REQUIRE_2FA_FOR_ADMINS = env_bool("BANTIN_REQUIRE_2FA_FOR_ADMINS", True)

# One cache shared by every web process: Redis (REDIS_URL, e.g. redis://127.0.0.1:6379/0),
# where the rate limits count with an atomic INCR. Without it, the database cache (created
# by `python manage.py createcachetable`) and the limits count in security.RateCounter.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "bantin_cache"}
    )
}

# Uploads have no public URL. A view checks permission and publication, then answers with
# X-Accel-Redirect to nginx's `internal` location (deploy/nginx/bantin.conf), which sends
# the file; nothing under MEDIA_ROOT is reachable by a request of its own.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
BANTIN_MEDIA_ACCEL_PREFIX = os.environ.get("BANTIN_MEDIA_ACCEL_PREFIX", "/_protected/media/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes logs every failure at WARNING; keep them, they are the login journal.
        "django.security": {"level": "WARNING"},
    },
}
