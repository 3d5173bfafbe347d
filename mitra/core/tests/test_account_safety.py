"""Account safety: a locked-out or inactive user's API token is refused; a password change must change it."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from conftest import DEMO_PASSWORD
from mitra.api import services as api_services
from mitra.core.models import User


def token_client(user: User) -> Client:
    _token, raw = api_services.token_create(actor=user, user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def fail_to_sign_in(username: str, times: int, address: str = "10.0.0.9") -> None:
    client = Client(REMOTE_ADDR=address)
    for _attempt in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-password-123"})


def test_a_locked_out_users_token_is_refused(user_of, settings):
    api = token_client(user_of("staf.oi"))
    assert api.get("/api/v1/partners/").status_code == 200
    fail_to_sign_in("staf.oi", settings.AXES_FAILURE_LIMIT - 1)
    assert api.get("/api/v1/partners/").status_code == 200  # not locked yet
    fail_to_sign_in("staf.oi", 1)
    # Locked (from another address than the API client's): the token is refused too.
    assert (
        Client(REMOTE_ADDR="10.0.0.9")
        .post(reverse("login"), {"username": "staf.oi", "password": DEMO_PASSWORD})
        .status_code
        == 429
    )
    response = api.get("/api/v1/partners/")
    assert response.status_code == 401
    assert "locked" in response.json()["detail"] or "dikunci" in response.json()["detail"]
    # Other users' tokens still work.
    assert token_client(user_of("pembaca")).get("/api/v1/partners/").status_code == 200


def test_a_lock_that_has_expired_no_longer_refuses_the_token(user_of, settings):
    from axes.models import AccessAttempt

    api = token_client(user_of("staf.oi"))
    fail_to_sign_in("staf.oi", settings.AXES_FAILURE_LIMIT)
    assert api.get("/api/v1/partners/").status_code == 401
    AccessAttempt.objects.filter(username="staf.oi").update(
        attempt_time=AccessAttempt.objects.get(username="staf.oi").attempt_time - settings.AXES_COOLOFF_TIME * 2
    )
    assert api.get("/api/v1/partners/").status_code == 200


def test_an_inactive_users_token_is_refused(user_of):
    user = user_of("staf.oi")
    api = token_client(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert api.get("/api/v1/partners/").status_code == 401


def test_a_password_cannot_be_changed_to_itself(client_for, user_of):
    client = client_for("pembaca")
    before = user_of("pembaca").password
    response = client.post(
        reverse("password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": DEMO_PASSWORD, "new_password2": DEMO_PASSWORD},
    )
    assert response.status_code == 200
    assert "Kata sandi baru harus berbeda dari kata sandi saat ini." in response.content.decode()
    assert user_of("pembaca").password == before
    # A different password is accepted.
    new = "another-long-passphrase-2018"
    response = client.post(
        reverse("password_change"), {"old_password": DEMO_PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    assert user_of("pembaca").check_password(new)


def test_the_validator_applies_wherever_passwords_are_set(user_of):
    user = user_of("pembaca")
    with translation.override("en"), pytest.raises(ValidationError, match="different from the current one"):
        validate_password(DEMO_PASSWORD, user)
    validate_password("another-long-passphrase-2018", user)
    validate_password(DEMO_PASSWORD, User(username="someone-new"))  # no current password to repeat
