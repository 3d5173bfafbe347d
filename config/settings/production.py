"""Production: every secret and host from the environment; HTTPS behind a reverse proxy."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

MITRA_ENVIRONMENT = "production"
DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[f"https://{host}" for host in ALLOWED_HOSTS])

# The reverse proxy terminates TLS and says so in X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# The audit key must come from outside: MITRA_AUDIT_KEY, or an existing keyring file named by MITRA_AUDIT_KEY_FILE
# (never created here, so a lost or unmounted keyring stops the server instead of silently starting a new key).
MITRA_AUDIT_KEY_CREATE = False
if not (env("MITRA_AUDIT_KEY", default="") or env("MITRA_AUDIT_KEY_FILE", default="")):
    raise ImproperlyConfigured("Set MITRA_AUDIT_KEY or MITRA_AUDIT_KEY_FILE (the audit chain's key) in production.")
