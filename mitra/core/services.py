"""Every write to core records, and the shared machinery every app's services use.

The pattern: check the permission, lock the row, refuse a stale version, validate, save, audit — all in one
transaction, so a refused or invalid change leaves nothing behind.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import audit
from .models import (
    AuditAction,
    AuditEntry,
    DerivesFields,
    OrganisationUnit,
    Role,
    SoftDeleteModel,
    StaffMember,
    TrackedModel,
    User,
)

M = TypeVar("M", bound=TrackedModel)


def require(user: User | None, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless `user` holds `perm` (on `obj`). The request layer audits the refusal."""
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


@dataclass
class Change:
    """One field changed by someone else since the editor loaded the record."""

    field: str
    label: str
    before: Any
    after: Any


class StaleEditError(Exception):
    """Someone saved the record after the editor loaded it; nothing was written."""

    def __init__(self, instance: TrackedModel, expected_version: int, entries: list[AuditEntry]):
        self.instance = instance
        self.expected_version = expected_version
        self.entries = entries
        labels = {f.name: str(f.verbose_name) for f in instance._meta.fields}
        self.changes: list[Change] = []
        for entry in reversed(entries):  # oldest first
            for field, (before, after) in entry.changes.items():
                if field in TrackedModel.AUDIT_EXCLUDE:
                    continue
                self.changes.append(Change(field, labels.get(field, field), before, after))
        self.who = who = ", ".join(sorted({e.actor_username or "?" for e in entries})) or "?"
        super().__init__(
            _(
                "This record was changed by %(who)s after you opened it (version %(old)s → %(new)s). "
                "Your changes were not saved; review the differences below and save again to overwrite them."
            )
            % {"who": who, "old": expected_version, "new": instance.version}
        )


def field_values(instance: models.Model, *, new: bool = False) -> dict[str, Any]:
    """Audited content of a record: concrete fields, foreign keys by id, many-to-many by sorted ids.

    `new`: the row was just inserted with no many-to-many links, so they are [] without asking the database."""
    exclude: set[str] = getattr(instance, "AUDIT_EXCLUDE", set())
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.primary_key:
            continue
        values[field.name] = audit.jsonable(getattr(instance, field.attname))
    if instance.pk:
        for m2m in instance._meta.many_to_many:
            values[m2m.name] = [] if new else sorted(getattr(instance, m2m.name).values_list("pk", flat=True))
    return values


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def _apply(instance: models.Model, data: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Set plain fields now; return many-to-many values to set after the row exists."""
    m2m_names = {f.name for f in instance._meta.many_to_many}
    later = []
    for name, value in data.items():
        if name in m2m_names:
            later.append((name, value))
        else:
            setattr(instance, name, value)
    return later


@transaction.atomic
def create_record(
    *,
    actor: User | None,
    instance: M,
    data: Mapping[str, Any] | None = None,
    reason: str = "",
    ip_address: str | None = None,
) -> M:
    """Validate and insert `instance` (with `data` applied), and audit it. Permission is the caller's check."""
    m2m = _apply(instance, data or {})
    now = timezone.now()
    instance.created_at = instance.updated_at = now
    instance.created_by = instance.updated_by = actor if actor and actor.is_authenticated else None
    instance.version = 1
    instance.full_clean()
    instance.save(force_insert=True)
    for name, value in m2m:
        getattr(instance, name).set(value)
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        instance=instance,
        changes={k: [None, v] for k, v in field_values(instance).items()},
        reason=reason,
        ip_address=ip_address,
    )
    return instance


def _changes_since(current: TrackedModel, expected_version: int) -> list[AuditEntry]:
    """The audited changes after the editor's copy, newest first: each version step is one of them.

    Version 0 is "no row yet": then the creation counts too, so the editor sees what the other person saved."""
    actions = [AuditAction.UPDATE, AuditAction.STATE_CHANGE, AuditAction.DELETE, AuditAction.RESTORE]
    if expected_version < 1:
        actions.append(AuditAction.CREATE)
    steps = max(1, min(current.version - expected_version, current.version))  # bounded whatever the caller sent
    return list(
        AuditEntry.objects.filter(
            record_type=current._meta.label_lower, record_id=str(current.pk), action__in=actions
        ).order_by("-id")[:steps]
    )


def values_at_version(current: TrackedModel, version: int) -> dict[str, Any] | None:
    """The audited values (as `field_values` gives them) `current` had at `version`: its values now with the
    audited changes since undone. None when the log cannot tell (a version it never had, a change not audited)."""
    if version < 1 or version > current.version:
        return None
    values = field_values(current)
    if version == current.version:
        return values
    entries = _changes_since(current, version)
    if len(entries) != current.version - version:
        return None
    for entry in entries:  # newest first, so the oldest `before` of each field is what stays
        for field, change in entry.changes.items():
            if field in values and isinstance(change, list) and len(change) == 2:
                values[field] = change[0]
    return values


@transaction.atomic
def update_record(
    *,
    actor: User | None,
    instance: M,
    data: Mapping[str, Any],
    expected_version: int | None,
    reason: str = "",
    ip_address: str | None = None,
    action: str = AuditAction.UPDATE,
) -> M:
    """Apply `data` to the current row if nobody saved since `expected_version`; audit the fields that changed.

    A `None` expected version means the caller holds no stale copy (a command or an import reading fresh rows).
    Returns the row unchanged, with no audit entry, when `data` changes nothing. Atomic by itself: a refused or
    invalid change leaves nothing behind even when the caller holds no transaction.
    """
    model = type(instance)
    manager = getattr(model, "all_objects", model._default_manager)
    current: M = manager.select_for_update().get(pk=instance.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEditError(current, expected_version, _changes_since(current, expected_version))
    before = field_values(current)
    m2m = _apply(current, data)
    current.full_clean()
    after_plain = {k: v for k, v in field_values(current).items() if k not in dict(m2m)}
    changes = diff(before, after_plain)
    for name, value in m2m:
        new_ids = sorted(v.pk if isinstance(v, models.Model) else v for v in value)
        if before.get(name) != new_ids:
            changes[name] = [before.get(name), new_ids]
    if not changes:
        return current
    current.updated_at = timezone.now()
    current.updated_by = actor if actor and actor.is_authenticated else None
    current.version += 1
    current.save()
    for name, value in m2m:
        getattr(current, name).set(value)
    audit.record(actor=actor, action=action, instance=current, changes=changes, reason=reason, ip_address=ip_address)
    return current


def _locked_row(model: type[M], lookup: Mapping[str, Any]) -> M | None:
    manager = getattr(model, "all_objects", model._default_manager)
    row: M | None = manager.select_for_update().filter(**lookup).first()
    return row


@transaction.atomic
def upsert_record(
    *,
    actor: User | None,
    model: type[M],
    lookup: Mapping[str, Any],
    data: Mapping[str, Any],
    expected_version: int | None,
    reason: str = "",
) -> M:
    """Create the one row `lookup` names (a unique key), or update it: a section of a report, say.

    `expected_version` 0 says the editor saw no row: when one exists by now, or appears while this one is being
    inserted (two first saves at once; the unique constraint decides), nothing is written and StaleEditError
    shows what the other person saved. `None` checks nothing (commands and the demo loader)."""
    existing = _locked_row(model, lookup)
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: the transaction stays usable after a collision
                return create_record(actor=actor, instance=model(**lookup, **data), reason=reason)
        except (IntegrityError, ValidationError):
            existing = _locked_row(model, lookup)
            if existing is None:
                raise  # invalid for another reason than the row that appeared meanwhile
        if expected_version is None:
            return update_record(actor=actor, instance=existing, data=data, expected_version=None, reason=reason)
        raise StaleEditError(existing, 0, _changes_since(existing, 0))
    return update_record(actor=actor, instance=existing, data=data, expected_version=expected_version, reason=reason)


@transaction.atomic
def soft_delete_record(
    *,
    actor: User | None,
    instance: SoftDeleteModel,
    expected_version: int | None,
    reason: str,
    ip_address: str | None = None,
) -> SoftDeleteModel:
    if not reason.strip():
        raise ValidationError({"reason": _("Give a reason for deleting this record.")})
    model = type(instance)
    current = model.all_objects.select_for_update().get(pk=instance.pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEditError(current, expected_version, _changes_since(current, expected_version))
    current.deleted_at = timezone.now()
    current.deleted_by = actor if actor and actor.is_authenticated else None
    current.delete_reason = reason
    current.version += 1
    current.save()
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        instance=current,
        reason=reason,
        ip_address=ip_address,
        changes={"deleted_at": [None, current.deleted_at]},
    )
    return current


# --- organisation units -------------------------------------------------------------------------------------


def _unit_path(parent: OrganisationUnit | None, code: str) -> str:
    return f"{parent.path}/{code}" if parent else code


@transaction.atomic
def unit_create(*, actor: User | None, data: Mapping[str, Any], system: bool = False) -> OrganisationUnit:
    """Create a unit. `system` is for the demo loader and migrations, which act on nobody's behalf."""
    if not system:
        require(actor, "core.manage_units")
    unit = OrganisationUnit(**data)
    unit.path = _unit_path(unit.parent, unit.code)
    return create_record(actor=actor, instance=unit)


@transaction.atomic
def unit_update(
    *,
    actor: User | None,
    unit: OrganisationUnit,
    data: Mapping[str, Any],
    expected_version: int | None,
    reason: str = "",
    system: bool = False,
) -> OrganisationUnit:
    if not system:
        require(actor, "core.manage_units")
    parent = data.get("parent", unit.parent)
    code = data.get("code", unit.code)
    if parent is not None and unit.contains(parent):
        raise ValidationError({"parent": _("A unit cannot sit under itself or one of its own sub-units.")})
    old_path = unit.path
    new_path = _unit_path(parent, code)
    updated = update_record(
        actor=actor, instance=unit, data={**data, "path": new_path}, expected_version=expected_version, reason=reason
    )
    if new_path != old_path:  # keep the sub-tree's paths in step
        for child in OrganisationUnit.objects.filter(path__startswith=old_path + "/").order_by("path"):
            OrganisationUnit.objects.filter(pk=child.pk).update(path=new_path + child.path[len(old_path) :])
    return updated


# --- users and staff ----------------------------------------------------------------------------------------


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """A user's own interface language; anyone may set their own."""
    return _user_update(actor=user, user=user, data={"language": language})


def _user_update(*, actor: User | None, user: User, data: Mapping[str, Any], reason: str = "") -> User:
    before = field_values(User.objects.get(pk=user.pk))
    for name, value in data.items():
        setattr(user, name, value)
    user.full_clean(exclude=["password"])
    user.save()
    changes = {k: v for k, v in diff(before, field_values(user)).items() if k not in ("password", "last_login")}
    if changes:
        audit.record(actor=actor, action=AuditAction.UPDATE, instance=user, changes=changes, reason=reason)
    return user


def _sync_role_flags(user: User) -> None:
    # Only administrators reach the Django admin; there they hold every model permission.
    user.is_staff = user.is_superuser = user.role == Role.ADMINISTRATOR


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    role: str,
    unit: OrganisationUnit | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    system: bool = False,
) -> User:
    if not system:
        require(actor, "core.manage_users")
    user = User(username=username, role=role, unit=unit, first_name=first_name, last_name=last_name, email=email)
    _sync_role_flags(user)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    changes = {k: [None, v] for k, v in field_values(user).items() if k not in ("password", "last_login")}
    audit.record(actor=actor, action=AuditAction.CREATE, instance=user, changes=changes)
    return user


@transaction.atomic
def user_update(
    *, actor: User | None, user: User, data: Mapping[str, Any], reason: str = "", system: bool = False
) -> User:
    if not system and not (actor is not None and actor.pk == user.pk and set(data) <= {"language"}):
        require(actor, "core.manage_users")
    fresh = User.objects.select_for_update().get(pk=user.pk)
    was_administrator = fresh.role == Role.ADMINISTRATOR
    for name, value in data.items():
        setattr(fresh, name, value)
    _sync_role_flags(fresh)
    if not system and actor is not None and actor.pk == fresh.pk:
        if not fresh.is_active:
            raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
        if was_administrator and fresh.role != Role.ADMINISTRATOR:
            raise ValidationError({"role": _("You cannot take away your own administrator role.")})
    return _user_update(actor=actor, user=fresh, data={}, reason=reason)


@transaction.atomic
def user_reset_password(*, actor: User, user: User) -> tuple[str, str]:
    """Invalidate `user`'s password and return (uidb64, token) of a one-time link at which they set a new one.

    The old password stops working at once; the link works until the password is set (Django's reset tokens
    hash the password and the last login) or PASSWORD_RESET_TIMEOUT passes. The administrator hands the link over
    (it is also e-mailed when the user has an address); nobody else, the administrator included, learns the
    password."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    require(actor, "core.manage_users")
    fresh = User.objects.select_for_update().get(pk=user.pk)
    fresh.set_unusable_password()
    fresh.save(update_fields=["password"])
    audit.record(actor=actor, action=AuditAction.UPDATE, instance=fresh, changes={"password": ["…", _("reset")]})
    return urlsafe_base64_encode(force_bytes(fresh.pk)), default_token_generator.make_token(fresh)


@transaction.atomic
def create_guarded(
    *, actor: User | None, perm: str, model: type[M], data: Mapping[str, Any], system: bool = False, reason: str = ""
) -> M:
    """Create a `model` row from `data` if `actor` holds `perm` on it (checked on the unsaved row, so a rule can
    look at its unit); many-to-many values in `data` are set after the insert."""
    m2m_names = {f.name for f in model._meta.many_to_many}
    instance = model(**{k: v for k, v in data.items() if k not in m2m_names})
    if not system:
        require(actor, perm, instance)
    return create_record(
        actor=actor, instance=instance, data={k: v for k, v in data.items() if k in m2m_names}, reason=reason
    )


def _full_clean(instance: models.Model, known: set[tuple[Any, Any]]) -> None:
    """`instance.full_clean()`, except that a foreign key whose value `known` holds (it passed this check earlier
    in the same batch: the row exists) is not looked up again. Every other check runs as in full_clean, in the same
    order, unique and constraint checks on the foreign keys included."""
    skip = {
        f.name for f in instance._meta.concrete_fields if f.many_to_one and (f, getattr(instance, f.attname)) in known
    }
    errors: dict[str, Any] = {}
    try:
        instance.clean_fields(exclude=skip)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    failed = {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        instance.validate_unique(exclude=failed)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    failed = {name for name in errors if name != NON_FIELD_ERRORS}
    try:
        instance.validate_constraints(exclude=failed)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    for f in instance._meta.concrete_fields:
        value = getattr(instance, f.attname)
        if f.many_to_one and value is not None:
            known.add((f, value))


def _saves_itself(model: type[models.Model]) -> bool:
    """The model's save() does more than Django's: a bulk insert would skip it. Deriving fields does not count
    (`DerivesFields`: the batch insert calls the same `derive_fields()`)."""
    plain = {models.Model, object, DerivesFields}
    return any("save" in vars(klass) for klass in model.__mro__ if klass not in plain)


Outcome = Any  # the created record, or the ValidationError / PermissionDenied that refused its row


@transaction.atomic
def create_guarded_many(
    *,
    actor: User | None,
    perm: str,
    model: type[M],
    rows: Sequence[Mapping[str, Any]],
    system: bool = False,
    reason: str = "",
) -> list[Outcome]:
    """`create_guarded` for many rows (an import): one outcome per row, in order — the created record, or the
    ValidationError or PermissionDenied that refused the row (refused rows write nothing).

    Each row is checked and validated as `create_guarded` and `create_record` do (the permission on the unsaved
    row, full_clean — a foreign key value is looked up once per batch), then the valid rows are inserted with one
    bulk insert, the save signals are sent for each (so the search index follows), and each row gets the audit
    entry `create_record` would give it, appended in one go (`audit.batch`). Rows are done one at a time through
    `create_guarded` instead when the model's save() does more than store the row (deriving fields through
    `DerivesFields.derive_fields()` is done here too), when a row sets many-to-many
    fields, or when the bulk insert hits a database constraint (two rows of the batch colliding on a unique key):
    then every row gets exactly the per-row result."""
    m2m_names = {f.name for f in model._meta.many_to_many}
    if _saves_itself(model) or any(m2m_names & set(data) for data in rows):
        return _create_one_by_one(actor=actor, perm=perm, model=model, rows=rows, system=system, reason=reason)
    outcomes: list[Outcome] = []
    valid: list[M] = []
    known: set[tuple[Any, Any]] = set()
    by = actor if actor and actor.is_authenticated else None
    for data in rows:
        instance = model(**data)
        try:
            if not system:
                require(actor, perm, instance)
            now = timezone.now()
            instance.created_at = instance.updated_at = now
            instance.created_by = instance.updated_by = by
            instance.version = 1
            _full_clean(instance, known)
        except (ValidationError, PermissionDenied) as error:
            outcomes.append(error)
            continue
        outcomes.append(instance)
        valid.append(instance)
    if not valid:
        return outcomes
    with audit.batch() as entries:
        mark = entries.mark()
        try:
            with transaction.atomic():
                _insert(model, valid, actor=actor, reason=reason)
        except IntegrityError:
            entries.discard_from(mark)
            return _create_one_by_one(actor=actor, perm=perm, model=model, rows=rows, system=system, reason=reason)
    return outcomes


def _insert(model: type[M], rows: list[M], *, actor: User | None, reason: str) -> None:
    from django.db import router
    from django.db.models.signals import post_save, pre_save

    using = router.db_for_write(model)
    for instance in rows:
        if isinstance(instance, DerivesFields):
            instance.derive_fields()  # where its save() does: before the pre_save signal
        pre_save.send(sender=model, instance=instance, raw=False, using=using, update_fields=None)
    bulk_insert(model, rows, using=using)
    for instance in rows:
        post_save.send(sender=model, instance=instance, created=True, update_fields=None, raw=False, using=using)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            instance=instance,
            changes={k: [None, v] for k, v in field_values(instance, new=True).items()},
            reason=reason,
        )


def bulk_insert(model: type[M], rows: list[M], *, using: str = "default") -> None:
    """`model._base_manager.using(using).bulk_create(rows)` for new rows (no primary key yet), in multi-row INSERTs
    that return the ids, without Django's per-value insert compiler (a fifth of an import's time): the same values
    — a text column takes the str it holds, every other value goes through its field's pre_save and
    get_db_prep_save as bulk_create sends it. Rows or models this path does not cover (a set primary key, a
    parent model, database defaults or generated columns, an expression as a value, other returned columns) go
    through bulk_create itself."""
    from django.db import connections
    from django.db.models.fields import NOT_PROVIDED, AutoFieldMixin

    connection = connections[using]
    opts = model._meta
    pk = opts.pk
    assert pk is not None
    fields = [f for f in opts.concrete_fields if f is not pk]
    plain_types = (models.CharField, models.TextField)
    covered = (
        connection.features.can_return_rows_from_bulk_insert
        and isinstance(pk, AutoFieldMixin)
        and not opts.parents
        and opts.db_returning_fields == [pk]
        and all(f.db_default is NOT_PROVIDED and not getattr(f, "generated", False) for f in fields)
        and all(instance.pk is None for instance in rows)
    )
    values: list[list[Any]] = []
    if covered:
        # Field.pre_save only reads the attribute; a field that does more (auto_now …) is asked, as bulk_create does.
        asked = [type(f).pre_save is not models.Field.pre_save for f in fields]
        plain = [type(f) in plain_types for f in fields]
        for instance in rows:
            instance._prepare_related_fields_for_save(operation_name="bulk_create")  # type: ignore[attr-defined]
            row = []
            for f, ask, is_plain in zip(fields, asked, plain, strict=True):
                value = f.pre_save(instance, True) if ask else getattr(instance, f.attname)
                if is_plain and (value is None or type(value) is str):
                    row.append(value)
                elif hasattr(value, "resolve_expression"):
                    covered = False
                    break
                else:
                    row.append(f.get_db_prep_save(value, connection))
            if not covered:
                break
            values.append(row)
    if not covered:
        model._base_manager.using(using).bulk_create(rows)
        return
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column or f.attname) for f in fields)}) VALUES "  # noqa: S608
    one = f"({', '.join(['%s'] * len(fields))})"
    size = max(1, min(1000, connection.ops.bulk_batch_size(fields, rows)))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = values[start : start + size]
            cursor.execute(
                f"{head}{', '.join([one] * len(chunk))} RETURNING {qn(pk.column or pk.attname)}",
                [value for row in chunk for value in row],
            )
            for instance, (key,) in zip(rows[start : start + size], cursor.fetchall(), strict=True):
                setattr(instance, pk.attname, key)
                instance._state.adding, instance._state.db = False, using


def _create_one_by_one(
    *, actor: User | None, perm: str, model: type[M], rows: Sequence[Mapping[str, Any]], system: bool, reason: str
) -> list[Outcome]:
    outcomes: list[Outcome] = []
    with audit.batch() as entries:
        for data in rows:
            mark = entries.mark()
            try:
                with transaction.atomic():
                    outcomes.append(
                        create_guarded(actor=actor, perm=perm, model=model, data=data, system=system, reason=reason)
                    )
            except (ValidationError, PermissionDenied) as error:
                entries.discard_from(mark)
                outcomes.append(error)
    return outcomes


@transaction.atomic
def update_guarded(
    *,
    actor: User | None,
    perm: str,
    instance: M,
    data: Mapping[str, Any],
    expected_version: int | None,
    system: bool = False,
    reason: str = "",
    action: str = AuditAction.UPDATE,
) -> M:
    """Update `instance` if `actor` holds `perm` on it as it is and as it would become (moving a record to another
    unit needs rights over both)."""
    if not system:
        require(actor, perm, instance)
        m2m_names = {f.name for f in instance._meta.many_to_many}
        probe = copy.copy(instance)
        for name, value in data.items():
            if name not in m2m_names:
                setattr(probe, name, value)
        require(actor, perm, probe)
    return update_record(
        actor=actor, instance=instance, data=data, expected_version=expected_version, reason=reason, action=action
    )


def delete_guarded(
    *, actor: User | None, perm: str, instance: SoftDeleteModel, expected_version: int | None, reason: str
) -> SoftDeleteModel:
    require(actor, perm, instance)
    return soft_delete_record(actor=actor, instance=instance, expected_version=expected_version, reason=reason)


def staff_member_create(*, actor: User | None, data: Mapping[str, Any], system: bool = False) -> StaffMember:
    return create_guarded(actor=actor, perm="core.manage_staff", model=StaffMember, data=data, system=system)


def staff_member_update(
    *,
    actor: User | None,
    member: StaffMember,
    data: Mapping[str, Any],
    expected_version: int | None,
    reason: str = "",
    system: bool = False,
) -> StaffMember:
    return update_guarded(
        actor=actor,
        perm="core.manage_staff",
        instance=member,
        data=data,
        expected_version=expected_version,
        system=system,
        reason=reason,
    )


def staff_member_delete(*, actor: User, member: StaffMember, expected_version: int | None, reason: str) -> StaffMember:
    deleted = delete_guarded(
        actor=actor, perm="core.manage_staff", instance=member, expected_version=expected_version, reason=reason
    )
    assert isinstance(deleted, StaffMember)
    return deleted
