"""A single machine: `make run`, development. DEBUG only when DEBUG=1 is set."""

from .base import *  # noqa: F403
from .base import env

MITRA_ENVIRONMENT = "local"
DEBUG = env.bool("DEBUG", default=False)
# Serve static files straight from the apps too, so `mitra runserver` works without collectstatic.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
