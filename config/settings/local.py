"""A single machine: `make run`, development. DEBUG only when DEBUG=1 is set."""

from .base import *  # noqa: F403
from .base import env

MITRA_ENVIRONMENT = "local"
DEBUG = env.bool("DEBUG", default=False)
# Static files are served straight from the apps and static/ (WhiteNoise's finders), uncompressed and unhashed:
# `make run` needs no collectstatic and does no compression work. Compressed, hashed copies are built once, by
# `mitra collectstatic` where the files are served (config.settings.production; README "Production deployment").
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
