"""The test suite: SQLite in memory unless DATABASE_URL names another database (PostgreSQL in `make test`)."""

import tempfile

from .base import *  # noqa: F403
from .base import env, tune_databases

MITRA_ENVIRONMENT = "test"
DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production-0123456789abcdefghij"  # noqa: S105
DATABASES = {"default": env.db("DATABASE_URL", default="sqlite:///:memory:")}
tune_databases(DATABASES)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"].pop("init_command", None)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = tempfile.mkdtemp(prefix="mitra-test-media-")
STATIC_ROOT = tempfile.mkdtemp(prefix="mitra-test-static-")
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# Tasks run at once, in the caller (deterministic); the tests of the worker switch to the database backend.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
# The same shared cache as production: the database's cache table (rolled back with each test's transaction).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "mitra_cache"}}
