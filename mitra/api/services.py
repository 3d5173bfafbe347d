"""Creating and revoking API tokens (audited; the secret itself is never stored or audited)."""

from __future__ import annotations

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mitra.core import audit
from mitra.core.models import AuditAction, User

from .models import TOKEN_PREFIX, ApiToken, token_digest


def _may_manage(actor: User | None, owner: User) -> bool:
    return actor is not None and actor.is_authenticated and (actor.pk == owner.pk or actor.is_administrator)


@transaction.atomic
def token_create(*, actor: User | None, user: User, name: str, system: bool = False) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the secret, which is shown once and never again."""
    if not system and not _may_manage(actor, user):
        raise PermissionDenied(_("You do not have permission to do this."))
    if not user.is_active:
        raise ValidationError(_("%(user)s is not active.") % {"user": user})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, e.g. the system that will use it.")})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name[:100], digest=token_digest(raw), hint=raw[: len(TOKEN_PREFIX) + 4])
    token.full_clean()
    token.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=token,
        changes={"name": [None, token.name], "user": [None, user.pk]},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken, system: bool = False) -> ApiToken:
    if not system and not _may_manage(actor, token.user):
        raise PermissionDenied(_("You do not have permission to do this."))
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is None:
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor, action=AuditAction.UPDATE, instance=current, changes={"revoked_at": [None, current.revoked_at]}
        )
    return current
