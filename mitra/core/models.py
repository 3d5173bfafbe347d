"""Organisation units, users and their roles, staff profiles, the base for domain records, and the audit log."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TrackedModel(models.Model):
    """Who made and last changed a record, when, and its version for optimistic locking."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    # Fields that the audit log leaves out of before/after (bookkeeping, not content).
    AUDIT_EXCLUDE: ClassVar[set[str]] = {"created_at", "created_by", "updated_at", "updated_by", "version"}

    class Meta:
        abstract = True


class DerivesFields(models.Model):
    """A model that stores fields derived from its others (an agreement's expiry …): `derive_fields()` sets them,
    and save() calls it before storing the row as Django does. The batch insert of an import
    (`core.services.create_guarded_many`) calls the same `derive_fields()`, so the rule lives in one place and such
    a model is still inserted in bulk."""

    class Meta:
        abstract = True

    def derive_fields(self) -> None:
        """Set the derived fields from the others; called by save() and by the batch insert."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive_fields()
        super().save(*args, **kwargs)


class ActiveManager(models.Manager):
    """Hides soft-deleted rows; `all_objects` still sees them for history and restore."""

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleteModel(TrackedModel):
    """A record that must not vanish: deleting marks it, keeps it in history and out of lists."""

    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    delete_reason = models.TextField(_("reason for deletion"), blank=True, editable=False)

    objects = ActiveManager()
    all_objects = models.Manager()

    AUDIT_EXCLUDE: ClassVar[set[str]] = TrackedModel.AUDIT_EXCLUDE | {"deleted_at", "deleted_by"}

    class Meta:
        abstract = True

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class UnitKind(models.TextChoices):
    """The kinds of unit in BPOM's structure (Peraturan BPOM on its organisation and work procedures)."""

    INSTITUTION = "institution", _("Institution")
    DEPUTY = "deputy", _("Deputy")
    DIRECTORATE = "directorate", _("Directorate")
    CENTRE = "centre", _("Centre")
    BUREAU = "bureau", _("Bureau")
    INSPECTORATE = "inspectorate", _("Inspectorate")
    DIVISION = "division", _("Division")
    SUBDIVISION = "subdivision", _("Sub-division")
    REGIONAL_MAJOR = "regional_major", _("Major regional office (Balai Besar POM)")
    REGIONAL = "regional", _("Regional office (Balai POM)")
    REGIONAL_POST = "regional_post", _("Regional post (Loka POM)")


# The kinds of unit each kind may sit under; an institution sits under none. Units outside the bureau
# (settings.MITRA_TRAVEL_BUREAU) request travel and read the registry, whatever their kind.
UNIT_PARENT_KINDS: dict[str, frozenset[str]] = {
    UnitKind.DEPUTY: frozenset({UnitKind.INSTITUTION}),
    UnitKind.DIRECTORATE: frozenset({UnitKind.INSTITUTION, UnitKind.DEPUTY}),
    UnitKind.CENTRE: frozenset({UnitKind.INSTITUTION, UnitKind.DEPUTY}),
    UnitKind.BUREAU: frozenset({UnitKind.INSTITUTION, UnitKind.DEPUTY}),
    UnitKind.INSPECTORATE: frozenset({UnitKind.INSTITUTION, UnitKind.DEPUTY}),
    UnitKind.DIVISION: frozenset(
        {UnitKind.BUREAU, UnitKind.CENTRE, UnitKind.INSPECTORATE, UnitKind.DIRECTORATE, UnitKind.REGIONAL_MAJOR}
    ),
    UnitKind.SUBDIVISION: frozenset({UnitKind.DIVISION, UnitKind.REGIONAL}),
    UnitKind.REGIONAL_MAJOR: frozenset({UnitKind.INSTITUTION}),
    UnitKind.REGIONAL: frozenset({UnitKind.INSTITUTION}),
    UnitKind.REGIONAL_POST: frozenset({UnitKind.INSTITUTION, UnitKind.REGIONAL_MAJOR, UnitKind.REGIONAL}),
}


class OrganisationUnit(TrackedModel):
    """Institution → bureau → division (bagian) → sub-division (subbagian); directorates sit under the institution."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    # Slash-separated codes from the root, kept by the services; makes "is inside" a string test, no queries.
    path = models.CharField(max_length=500, unique=True, editable=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0, help_text=_("Position among its siblings."))
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Not taken from an official source.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self) -> str:
        return self.name

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def contains(self, other: OrganisationUnit | None) -> bool:
        """True when `other` is this unit or lies beneath it."""
        return other is not None and (other.path == self.path or other.path.startswith(self.path + "/"))

    def clean(self) -> None:
        if self.kind == UnitKind.INSTITUTION:
            if self.parent_id:
                raise ValidationError({"parent": _("An institution has no parent unit.")})
            return
        allowed = UNIT_PARENT_KINDS.get(self.kind)
        if allowed and (self.parent is None or self.parent.kind not in allowed):
            raise ValidationError(
                {
                    "parent": _("A %(kind)s must sit under: %(parents)s.")
                    % {
                        "kind": UnitKind(self.kind).label,
                        "parents": ", ".join(str(k.label) for k in UnitKind if k in allowed),
                    }
                }
            )


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    LEADERSHIP = "leadership", _("Leadership")
    HEAD_OF_UNIT = "head_of_unit", _("Head of unit")
    STAFF = "staff", _("Staff")
    READER = "reader", _("Reader")


class MitraUserManager(UserManager["User"]):
    def create_superuser(
        self, username: str, email: str | None = None, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra)


class User(AbstractUser):
    """A person who logs in. The role decides what they may do; the unit decides where."""

    unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.READER)
    language = models.CharField(
        _("interface language"), max_length=5, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    objects = MitraUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.role == Role.ADMINISTRATOR


class Employment(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("Civil servant (ASN)")
    CONTRACT = "contract", _("Contract staff (pramubakti)")


class Education(models.TextChoices):
    SECONDARY = "sma", _("Secondary school (SMA/SMK)")
    DIPLOMA = "d3", _("Diploma (D3)")
    BACHELOR = "s1", _("Bachelor (S1/D4)")
    MASTER = "s2", _("Master (S2)")
    DOCTORATE = "s3", _("Doctorate (S3)")


class Grade(models.TextChoices):
    """Civil-service grade (golongan/ruang)."""

    II_A = "II/a", "II/a"
    II_B = "II/b", "II/b"
    II_C = "II/c", "II/c"
    II_D = "II/d", "II/d"
    III_A = "III/a", "III/a"
    III_B = "III/b", "III/b"
    III_C = "III/c", "III/c"
    III_D = "III/d", "III/d"
    IV_A = "IV/a", "IV/a"
    IV_B = "IV/b", "IV/b"
    IV_C = "IV/c", "IV/c"
    IV_D = "IV/d", "IV/d"
    IV_E = "IV/e", "IV/e"


class Position(models.TextChoices):
    HEAD_OF_BUREAU = "head_of_bureau", _("Head of bureau")
    HEAD_OF_DIVISION = "head_of_division", _("Head of division")
    HEAD_OF_SUBDIVISION = "head_of_subdivision", _("Head of sub-division")
    FUNCTIONAL = "functional", _("Functional official")
    STAFF = "staff", _("Staff")
    SUPPORT = "support", _("Support staff")


class AgeBand(models.TextChoices):
    UNDER_30 = "<30", _("under 30")
    FROM_30 = "30-39", _("30–39")
    FROM_40 = "40-49", _("40–49")
    FROM_50 = "50+", _("50 and over")

    @classmethod
    def of(cls, birth_year: int, on: date) -> AgeBand:
        age = on.year - birth_year
        if age < 30:
            return cls.UNDER_30
        if age < 40:
            return cls.FROM_30
        if age < 50:
            return cls.FROM_40
        return cls.FROM_50


class StaffMember(SoftDeleteModel):
    """A person working in a unit, as the report's staff profile (chapter I) counts them; may have a login."""

    full_name = models.CharField(_("full name"), max_length=200)
    unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="staff_members"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_profile",
    )
    employment = models.CharField(_("employment"), max_length=20, choices=Employment.choices)
    education = models.CharField(_("education"), max_length=5, choices=Education.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    grade = models.CharField(
        _("grade (golongan)"), max_length=6, choices=Grade.choices, blank=True, help_text=_("Civil servants only.")
    )
    position = models.CharField(_("position"), max_length=30, choices=Position.choices)
    home_unit = models.ForeignKey(
        OrganisationUnit,
        verbose_name=_("unit of origin"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "Only for a person of another unit recorded here as a traveller: their own unit. "
            "They are not counted as staff of this unit."
        ),
    )
    joined_on = models.DateField(
        _("joined on"),
        null=True,
        blank=True,
        help_text=_("The day the person joined the unit; reports count them from this day."),
    )
    left_on = models.DateField(
        _("left on"),
        null=True,
        blank=True,
        help_text=_("The day the person left the unit (moved, retired); reports count them until the day before."),
    )
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Not taken from an official source.")
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["unit__path", "full_name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return self.full_name

    @property
    def owner_unit(self) -> OrganisationUnit:
        return self.unit

    def is_member_on(self, day: date) -> bool:
        """Whether the person was on the unit's staff on `day`: joined by then (or joined before Mitra's records, with
        no date) and not yet left."""
        return (self.joined_on is None or self.joined_on <= day) and (self.left_on is None or self.left_on > day)

    def age_band(self, on: date | None = None) -> AgeBand:
        return AgeBand.of(self.birth_year, on or timezone.localdate())

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        this_year = timezone.localdate().year
        if self.birth_year and not (this_year - 75 <= self.birth_year <= this_year - 16):
            errors["birth_year"] = _("Enter a year of birth between %(low)s and %(high)s.") % {
                "low": this_year - 75,
                "high": this_year - 16,
            }
        if self.joined_on and self.left_on and self.left_on <= self.joined_on:
            errors["left_on"] = _("The day of leaving comes after the day of joining.")
        if self.home_unit_id is not None and self.unit_id is not None and self.home_unit_id == self.unit_id:
            errors["home_unit"] = _("Leave this empty for the unit's own staff.")
        if self.employment == Employment.CONTRACT and self.grade:
            errors["grade"] = _("Contract staff have no civil-service grade.")
        if self.employment == Employment.CIVIL_SERVANT and not self.grade:
            errors["grade"] = _("A civil servant has a grade.")
        if errors:
            raise ValidationError(errors)


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")
    RESTORE = "restore", _("restored")
    STATE_CHANGE = "state_change", _("changed state")
    LOGIN = "login", _("logged in")
    LOGOUT = "logout", _("logged out")
    LOGIN_FAILED = "login_failed", _("failed to log in")
    ACCESS_DENIED = "access_denied", _("was refused access")
    KEY_ROTATION = "key_rotation", _("key rotation")


class AuditEntry(models.Model):
    """One line of the append-only audit log; `hash` chains it to the entry before (see core/audit.py)."""

    # Assigned by the chain (previous id + 1), so a removed entry leaves a visible gap.
    id = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    record_type = models.CharField(_("record type"), max_length=100, blank=True)  # "app_label.model"
    record_id = models.CharField(_("record"), max_length=64, blank=True)
    record_repr = models.CharField(_("record description"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)  # {field: [before, after]}
    reason = models.TextField(_("reason"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # The audit key the hash was made with (an HMAC-SHA256); "" for entries from before keys (plain SHA-256).
    key_id = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["record_type", "record_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"#{self.id} {self.actor_username} {self.action} {self.record_type}:{self.record_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValidationError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("The audit log is append-only.")


class AuditChainHead(models.Model):
    """The single row that holds the chain's last id and hash; locking it serialises appends."""

    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)
    key_id = models.CharField(max_length=32, blank=True, default="")  # the key of the last entry

    def __str__(self) -> str:
        return f"audit chain head #{self.last_id}"


# Notifications live in their own module of core; importing the model here registers it with the core app.
from .notifications.models import Notification  # noqa: E402, F401
