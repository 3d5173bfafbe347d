"""Settings shared by every environment; each value that differs between machines comes from the environment."""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# "local", "test" or "production": the demo loader refuses to run in production unless forced.
MITRA_ENVIRONMENT = "base"

SECRET_KEY = env("SECRET_KEY", default="insecure-development-key-do-not-use-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "csp",
    "mitra.core",
    "mitra.documents",
    "mitra.partners",
    "mitra.cooperation",
    "mitra.demo",
    "mitra.performance",
    "mitra.reports",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "mitra.api",
    "mitra.exchange",
    "mitra.travel",
    "mitra.search",
    "mitra.public",
    "mitra.evaluation",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mitra.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "mitra.core.middleware.WorkCountsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "mitra.core.middleware.SecurityHeadersMiddleware",
    "mitra.core.middleware.AccessDeniedAuditMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "mitra.core.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'mitra.sqlite3'}")}


def tune_databases(databases: dict) -> None:
    """SQLite: WAL and IMMEDIATE transactions, so readers never block the writer and writers queue instead of failing.
    PostgreSQL: persistent connections, checked before use, and (unless MITRA_PG_PREPARE=0) the prepared statements
    of mitra.core.prepared."""
    for db in databases.values():
        if db["ENGINE"] == "django.db.backends.sqlite3":
            db.setdefault("OPTIONS", {}).update(
                {
                    "transaction_mode": "IMMEDIATE",
                    "timeout": 20,
                    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                }
            )
        else:
            db.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
            db.setdefault("CONN_HEALTH_CHECKS", True)
            if env.bool("MITRA_PG_PREPARE", default=True):
                # The queries that mitra.core.prepared sends are prepared at their first run on a connection and keep
                # one generic plan; Django's own queries bind on the client and are never prepared.
                options = db.setdefault("OPTIONS", {})
                options.setdefault("prepare_threshold", 0)
                options["options"] = f"{options.get('options', '')} -c plan_cache_mode=force_generic_plan".strip()


tune_databases(DATABASES)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after a working day of inactivity and when the browser closes.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Login throttling (django-axes): 5 failures for a username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Internationalisation: Indonesian first, English second; stored in UTC, shown in Jakarta time.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
# A filter left empty reads "Semua" / "All" rather than django-filter's "---------"; a form's empty choice reads
# "— pilih —" / "— choose —" (mitra/core/renderers.py).
FILTERS_EMPTY_CHOICE_LABEL = _("All")
FORM_RENDERER = "mitra.core.renderers.MitraFormRenderer"
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Jakarta"
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
# Attachments (mitra.documents): the largest file accepted; media is served only through documents:download.
MITRA_MAX_UPLOAD_BYTES = env.int("MITRA_MAX_UPLOAD_MB", default=25) * 1024 * 1024

# Registry reminders (mitra.cooperation.reminders): days before an agreement's notice or end date, and before a
# follow-up's due date (0 = on the day), that a reminder goes out; from how many days before the date a reminder
# nobody acted on (no step of the agreement recorded since the first reminder) also goes to the head of division
# and to the head of bureau.
MITRA_REMINDER_DAYS = env.list("MITRA_REMINDER_DAYS", cast=int, default=[90, 60, 30, 7, 0])
MITRA_FOLLOW_UP_REMINDER_DAYS = env.list("MITRA_FOLLOW_UP_REMINDER_DAYS", cast=int, default=[7, 0])
MITRA_ESCALATE_TO_DIVISION_DAYS = env.int("MITRA_ESCALATE_TO_DIVISION_DAYS", default=30)
MITRA_ESCALATE_TO_BUREAU_DAYS = env.int("MITRA_ESCALATE_TO_BUREAU_DAYS", default=7)
# An agreement in force with nothing done (no step, no deliverable completed) in this many days is dormant; a
# deliverable shows in its owner's "my work" from this many days before it is due.
MITRA_DORMANT_AGREEMENT_DAYS = env.int("MITRA_DORMANT_AGREEMENT_DAYS", default=365)
MITRA_DELIVERABLE_WORK_DAYS = env.int("MITRA_DELIVERABLE_WORK_DAYS", default=14)
# The emblem on report covers: an SVG, PNG or JPEG file (an SVG needs a PNG of the same name beside it for DOCX).
# Empty: Mitra's neutral placeholder (mitra/reports/static/reports/emblem/emblem.svg).
MITRA_REPORT_EMBLEM = env("MITRA_REPORT_EMBLEM", default="")
# Preparing for a forum (docs/user-guide.md): the meeting report is due this many days after the meeting ends (and
# shows in "my work" of the meeting's unit from its end); a follow-up made from a meeting decision is due this many
# days after the meeting unless the decision says otherwise; an agenda item's units answer by this many days before
# the meeting starts (the default deadline offered on the form). An unsubmitted report leaves "my work" this many
# days (MITRA_MEETING_REPORT_WORK_DAYS) after it was due.
MITRA_MEETING_REPORT_DAYS = env.int("MITRA_MEETING_REPORT_DAYS", default=14)
MITRA_MEETING_REPORT_WORK_DAYS = env.int("MITRA_MEETING_REPORT_WORK_DAYS", default=60)
MITRA_DECISION_FOLLOW_UP_DAYS = env.int("MITRA_DECISION_FOLLOW_UP_DAYS", default=30)
MITRA_AGENDA_ANSWER_DAYS = env.int("MITRA_AGENDA_ANSWER_DAYS", default=7)

# Official foreign travel (mitra.travel, docs/travel.md): the bureau (sees every request), the unit that processes
# the documents (owns the steps and their attachments), how many
# working days before departure a request must arrive, how many working days before departure the documents
# must be complete (1 = by the last working day before), reminder lead times, and extra closed days (cuti bersama).
MITRA_TRAVEL_BUREAU = env("MITRA_TRAVEL_BUREAU", default="ksln")
MITRA_TRAVEL_SERVICE_UNIT = env("MITRA_TRAVEL_SERVICE_UNIT", default="ksln-oi-tu")
MITRA_TRAVEL_LEAD_WORKING_DAYS = env.int("MITRA_TRAVEL_LEAD_WORKING_DAYS", default=10)
MITRA_TRAVEL_DOCUMENTS_DUE_WORKING_DAYS = env.int("MITRA_TRAVEL_DOCUMENTS_DUE_WORKING_DAYS", default=1)
MITRA_TRAVEL_REMINDER_WORKING_DAYS = env.list("MITRA_TRAVEL_REMINDER_WORKING_DAYS", cast=int, default=[3, 1])
MITRA_TRAVEL_EXTRA_CLOSED_DAYS = env.list("MITRA_TRAVEL_EXTRA_CLOSED_DAYS", default=[])
# The State Secretariat's rules (SE Mensesneg B-32/M/S/LN.00/12/2024; mitra/travel/setneg.py): the application
# reaches it at least this many (calendar) days before departure, on the day the step MITRA_TRAVEL_SETNEG_STEP is
# requested; a dialogue or exploration delegation has MIN to MAX people; trips to these countries (ISO alpha-2)
# need the Foreign Ministry's recommendation (default: countries without diplomatic relations with Indonesia,
# Israel and Taiwan; the administrator sets the list); the trip report is due this many days after the return.
MITRA_TRAVEL_SETNEG_LEAD_DAYS = env.int("MITRA_TRAVEL_SETNEG_LEAD_DAYS", default=7)
MITRA_TRAVEL_SETNEG_STEP = env("MITRA_TRAVEL_SETNEG_STEP", default="setneg")
MITRA_TRAVEL_DELEGATION_MIN = env.int("MITRA_TRAVEL_DELEGATION_MIN", default=3)
MITRA_TRAVEL_DELEGATION_MAX = env.int("MITRA_TRAVEL_DELEGATION_MAX", default=10)
MITRA_TRAVEL_MOFA_RECOMMENDATION_COUNTRIES = env.list(
    "MITRA_TRAVEL_MOFA_RECOMMENDATION_COUNTRIES", default=["IL", "TW"]
)
MITRA_TRAVEL_TRIP_REPORT_DAYS = env.int("MITRA_TRAVEL_TRIP_REPORT_DAYS", default=14)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mitra <mitra@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# REST API (mitra.api): Bearer tokens or the browser session; every view declares its permission classes.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mitra.api.authentication.BearerTokenAuthentication",
        "mitra.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["mitra.api.permissions.SignedIn"],
    "DEFAULT_THROTTLE_CLASSES": ["mitra.api.throttling.TokenRateThrottle"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "mitra.api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "mitra.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per token (or per signed-in user) and period; see mitra.api.throttling.
MITRA_API_THROTTLE_RATE = env("MITRA_API_THROTTLE_RATE", default="1200/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "Mitra API",
    "DESCRIPTION": "Cooperation registry and performance accountability of Biro KSLN, Badan POM. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["mitra.api.permissions.SignedIn"],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"StageEnum": "mitra.cooperation.models.Stage"},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mitra.api.schema.add_common_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# The audit chain's key (see mitra/core/audit.py), kept outside the database. MITRA_AUDIT_KEY: one secret of at least
# 32 characters, or several separated by commas (older first, the last is current); otherwise the keyring file
# MITRA_AUDIT_KEY_FILE (JSON, id → secret), which is created with one new key, mode 0600, on first use while
# MITRA_AUDIT_KEY_CREATE is on (development; production requires a key, see production.py).
MITRA_AUDIT_KEY = env("MITRA_AUDIT_KEY", default="")
MITRA_AUDIT_KEY_FILE = env("MITRA_AUDIT_KEY_FILE", default=str(VAR_DIR / "audit-keys.json"))
MITRA_AUDIT_KEY_CREATE = env.bool("MITRA_AUDIT_KEY_CREATE", default=True)

# A password change must change the password.
AUTH_PASSWORD_VALIDATORS += [{"NAME": "mitra.core.passwords.DifferentFromCurrentPasswordValidator"}]

# Bounds checked before an uploaded file is parsed (mitra/documents/zipguard.py, mitra/documents/extraction.py,
# mitra/exchange/imports.py; docs/documents.md and docs/exchange.md): Word/Excel packages measured as ZIPs, text
# extracted in a child process with a time and memory limit, imports measured in rows and cells.
MITRA_UPLOAD_MAX_UNZIPPED_BYTES = env.int("MITRA_UPLOAD_MAX_UNZIPPED_MB", default=100) * 1024 * 1024
MITRA_UPLOAD_MAX_ZIP_MEMBER_BYTES = env.int("MITRA_UPLOAD_MAX_ZIP_MEMBER_MB", default=50) * 1024 * 1024
MITRA_UPLOAD_MAX_ZIP_MEMBERS = env.int("MITRA_UPLOAD_MAX_ZIP_MEMBERS", default=2000)
MITRA_EXTRACT_TIMEOUT_SECONDS = env.int("MITRA_EXTRACT_TIMEOUT_SECONDS", default=20)
MITRA_EXTRACT_MAX_MEMORY_MB = env.int("MITRA_EXTRACT_MAX_MEMORY_MB", default=1024)
MITRA_IMPORT_MAX_ROWS = env.int("MITRA_IMPORT_MAX_ROWS", default=20000)
MITRA_IMPORT_MAX_CELLS = env.int("MITRA_IMPORT_MAX_CELLS", default=400000)
MITRA_IMPORT_UPLOAD_KEEP_DAYS = env.int("MITRA_IMPORT_UPLOAD_KEEP_DAYS", default=7)
# The IATI export (mitra/exchange/iati.py): the reporting organisation's IATI identifier and name. Set the identifier
# Badan POM registered with IATI before publishing the file.
MITRA_IATI_REPORTING_ORG_REF = env("MITRA_IATI_REPORTING_ORG_REF", default="ID-BPOM")
MITRA_IATI_REPORTING_ORG_NAME = env("MITRA_IATI_REPORTING_ORG_NAME", default="Badan Pengawas Obat dan Makanan")
# Background work (mitra.tasks, docs/architecture.md "Background work"): Django's task interface (django-tasks)
# on its database backend (django-tasks-db). `mitra worker` runs the queue; any number of workers on any number
# of machines may share one database. The worker also enqueues the daily tasks (reminders, pruning) once a day,
# from MITRA_DAILY_TASKS_HOUR (local time) on.
INSTALLED_APPS += ["django_tasks", "django_tasks_db", "mitra.tasks"]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
MITRA_DAILY_TASKS_HOUR = env.int("MITRA_DAILY_TASKS_HOUR", default=6)
# Pruning: report jobs and queue results finished longer ago than this; cached report files not read for this long.
MITRA_KEEP_FINISHED_JOBS_DAYS = env.int("MITRA_KEEP_FINISHED_JOBS_DAYS", default=30)
MITRA_REPORT_CACHE_DAYS = env.int("MITRA_REPORT_CACHE_DAYS", default=30)

# One cache for every process and server (API throttling counts requests in it): the database's cache table by
# default, made by `mitra migrate`; CACHE_URL=redis://host:6379/1 uses Redis instead (`pip install redis`).
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://mitra_cache")}
