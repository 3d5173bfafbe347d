"""Account safety: a locked-out or inactive user's API token is refused; a password change must change it."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from mitra.api import services as api_services
from mitra.core.models import User
from mitra.core.tests.factories import PASSWORD, ReaderFactory, UserFactory, logged_in

pytestmark = pytest.mark.django_db


def token_client(user: User) -> Client:
    _token, raw = api_services.token_create(actor=user, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def fail_to_sign_in(username: str, times: int, address: str = "10.0.0.9") -> None:
    client = Client(REMOTE_ADDR=address)
    for _attempt in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-password-123"})


def test_a_locked_out_users_token_is_refused(settings):
    user = UserFactory.create()
    api = token_client(user)
    assert api.get("/api/v1/partners/").status_code == 200
    fail_to_sign_in(user.username, settings.AXES_FAILURE_LIMIT - 1)
    assert api.get("/api/v1/partners/").status_code == 200  # not locked yet
    fail_to_sign_in(user.username, 1)
    # Locked (from another address than the API client's): the token is refused too.
    assert (
        Client(REMOTE_ADDR="10.0.0.9")
        .post(reverse("login"), {"username": user.username, "password": PASSWORD})
        .status_code
        == 429
    )
    response = api.get("/api/v1/partners/")
    assert response.status_code == 401
    assert "locked" in response.json()["detail"] or "dikunci" in response.json()["detail"]
    # Other users' tokens still work.
    assert token_client(ReaderFactory.create()).get("/api/v1/partners/").status_code == 200


def test_a_lock_that_has_expired_no_longer_refuses_the_token(settings):
    from axes.models import AccessAttempt

    user = UserFactory.create()
    api = token_client(user)
    fail_to_sign_in(user.username, settings.AXES_FAILURE_LIMIT)
    assert api.get("/api/v1/partners/").status_code == 401
    AccessAttempt.objects.filter(username=user.username).update(
        attempt_time=AccessAttempt.objects.get(username=user.username).attempt_time - settings.AXES_COOLOFF_TIME * 2
    )
    assert api.get("/api/v1/partners/").status_code == 200


def test_an_inactive_users_token_is_refused():
    user = UserFactory.create()
    api = token_client(user)
    assert api.get("/api/v1/partners/").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api.get("/api/v1/partners/").status_code == 401


def test_a_password_cannot_be_changed_to_itself():
    reader = ReaderFactory.create()
    client = logged_in(reader)
    before = User.objects.get(pk=reader.pk).password
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "Kata sandi baru harus berbeda dari kata sandi saat ini." in response.content.decode()
    assert User.objects.get(pk=reader.pk).password == before
    # A different password is accepted.
    new = "another-long-passphrase-2018"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=reader.pk).check_password(new)


def test_the_validator_applies_wherever_passwords_are_set():
    user = ReaderFactory.create()
    with translation.override("en"), pytest.raises(ValidationError, match="different from the current one"):
        validate_password(PASSWORD, user)
    validate_password("another-long-passphrase-2018", user)
    validate_password(PASSWORD, User(username="someone-new"))  # no current password to repeat
