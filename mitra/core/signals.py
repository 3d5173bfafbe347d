"""Audit entries for logins, logouts and failed logins."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from . import audit
from .middleware import client_ip
from .models import AuditAction


@receiver(user_logged_in)
def audit_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit.record(
        actor=user, action=AuditAction.LOGIN, instance=user, ip_address=client_ip(request) if request else None
    )


@receiver(user_logged_out)
def audit_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(
            actor=user, action=AuditAction.LOGOUT, instance=user, ip_address=client_ip(request) if request else None
        )


@receiver(user_login_failed)
def audit_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the username tried; credentials also hold the (already masked) password, never stored.
    audit.record(
        actor=None,
        action=AuditAction.LOGIN_FAILED,
        record_type="core.user",
        record_repr=str(credentials.get("username", ""))[:150],
        ip_address=client_ip(request) if request else None,
    )
