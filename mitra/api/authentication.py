"""`Authorization: Bearer <token>` with tokens from `mitra api-token` or the profile page; or the browser session."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .models import ApiToken, token_digest

# Record use at most this often per token, so reads do not all turn into writes.
LAST_USED_RESOLUTION_SECONDS = 300


def is_locked_out(user: Any) -> bool:
    """Whether django-axes has locked the user's sign-in: failures for the username, from any address, reached
    AXES_FAILURE_LIMIT within the cool-off. A locked account's tokens are refused too, until the lock expires or
    an administrator lifts it (`mitra axes_reset_username USERNAME`)."""
    limit = settings.AXES_FAILURE_LIMIT
    attempts = AccessAttempt.objects.filter(
        username=user.get_username(), failures_since_start__gte=limit if isinstance(limit, int) else 1
    )
    cool_off = get_cool_off()
    if cool_off is not None:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts.exists()


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as “Authorization: Bearer <token>”."))
        try:
            raw = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from error
        token = ApiToken.objects.select_related("user", "user__unit").filter(digest=token_digest(raw)).first()
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or has been revoked."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("The token's user is not active."))
        if is_locked_out(token.user):
            raise exceptions.AuthenticationFailed(_("The token's user is locked out after too many failed sign-ins."))
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser session (for the documentation page and the interface's own scripts), with CSRF on writes."""
