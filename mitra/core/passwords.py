"""Password rules beyond Django's own (listed in AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class DifferentFromCurrentPasswordValidator:
    """A new password must not be the one the user has now (a "change" to the same password changes nothing)."""

    def validate(self, password: str, user: Any = None) -> None:
        current = getattr(user, "password", "") or ""
        # The hash as stored, without check_password's side effect of re-hashing and saving.
        if current and check_password(password, current):
            raise ValidationError(
                _("The new password must be different from the current one."), code="password_unchanged"
            )

    def get_help_text(self) -> str:
        return _("Your new password must be different from your current password.")
