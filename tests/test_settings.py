"""Settings per environment, checked in fresh processes with realistic environment values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    ours = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "k9$Vq2!xLm#7Rt@pW4zN8&bY1uE6sH3jF0cA5dG_-+=oQiKlMnBvCxZaSdFgHjKl",
    "ALLOWED_HOSTS": "mitra.pom.go.id",
    "DATABASE_URL": "postgres://mitra:secret@db.internal:5432/mitra",
    "EMAIL_URL": "smtp+tls://mitra:secret@smtp.pom.go.id:587",
    "MITRA_AUDIT_KEY": "3f9c1e7a5b2d4f6081a3c5e7f9b1d3a5c7e9f1b3d5a7c9e1f3b5d7a9c1e3f5b7",
}


def test_production_settings_pass_the_deploy_check():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_start_without_an_audit_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "MITRA_AUDIT_KEY"}
    result = run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "MITRA_AUDIT_KEY" in result.stderr


def test_demo_loader_refuses_production_unless_forced():
    result = run(["manage.py", "demo"], **PRODUCTION_ENV)
    assert result.returncode != 0
    assert "Refusing to load demo data under production settings" in result.stderr


def test_healthz_reports_a_database_that_is_down():
    script = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code); print(r.content.decode())"
    )
    result = run(
        ["-c", script],
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL="postgres://nobody:nothing@127.0.0.1:1/none",
    )
    status, body = result.stdout.strip().splitlines()[:2]
    assert status == "503", result.stdout + result.stderr
    assert '"status": "error"' in body and "unavailable" in body


def test_times_are_stored_in_utc_and_shown_in_jakarta(settings):
    assert settings.USE_TZ is True
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert settings.LANGUAGE_CODE == "id"
