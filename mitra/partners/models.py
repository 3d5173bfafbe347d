"""Who BPOM cooperates with: countries, partner institutions, forums (nested), and contact persons."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mitra.core.models import SoftDeleteModel


class Country(models.Model):
    """ISO 3166-1 countries, names in Indonesian and English (reference data, loaded by a migration)."""

    code = models.CharField(_("ISO code"), max_length=2, primary_key=True)  # alpha-2
    code3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)
    numeric = models.CharField(_("ISO numeric code"), max_length=3, unique=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)

    class Meta:
        ordering = ["name_id"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "id").startswith("en") else self.name_id

    def get_absolute_url(self) -> str:
        return reverse("partners:country-detail", args=[self.code])


class InstitutionKind(models.TextChoices):
    REGULATOR = "regulator", _("Drug/food regulatory authority")
    MINISTRY = "ministry", _("Ministry or government agency")
    DEVELOPMENT_AGENCY = "development_agency", _("Development agency")
    PHARMACOPOEIA = "pharmacopoeia", _("Pharmacopoeia")
    UNIVERSITY = "university", _("University or research institute")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    OTHER = "other", _("Other")


class Institution(SoftDeleteModel):
    """A partner institution: a foreign regulator, agency, university, or an international organisation."""

    name = models.CharField(_("name"), max_length=300)
    name_id = models.CharField(_("name (Indonesian)"), max_length=300, blank=True)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True, db_index=True)
    kind = models.CharField(_("type"), max_length=30, choices=InstitutionKind.choices)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="institutions",
        help_text=_("Empty for international organisations."),
    )
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner institution")
        verbose_name_plural = _("partner institutions")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:institution-detail", args=[self.pk])

    def clean(self) -> None:
        if self.kind != InstitutionKind.INTERNATIONAL_ORGANISATION and not self.country_id:
            raise ValidationError({"country": _("Choose the institution's country.")})


class ForumScope(models.TextChoices):
    REGIONAL = "regional", _("Regional")
    MULTILATERAL = "multilateral", _("Multilateral / international organisation")


class Forum(SoftDeleteModel):
    """A forum, committee or working group, nested under its parent (ASEAN → ACCSQ → PPWG; WTO → TBT)."""

    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent forum"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    scope = models.CharField(_("scope"), max_length=20, choices=ForumScope.choices)
    organisation = models.ForeignKey(
        Institution,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forums",
        help_text=_("The international organisation that runs the forum, if any."),
    )
    member_countries = models.ManyToManyField(
        Country, verbose_name=_("member countries"), blank=True, related_name="forums"
    )
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("forum")
        verbose_name_plural = _("forums")

    def __str__(self) -> str:
        return self.acronym or self.name

    def get_absolute_url(self) -> str:
        return reverse("partners:forum-detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym and self.acronym != self.name else self.name

    def clean(self) -> None:
        ancestor: Any = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk and self.pk is not None:
                raise ValidationError({"parent": _("A forum cannot sit under itself or one of its sub-forums.")})
            ancestor = ancestor.parent


class Contact(SoftDeleteModel):
    """A person at a partner institution or forum secretariat, current or past."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    forum = models.ForeignKey(
        Forum, verbose_name=_("forum"), null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role or title"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_current = models.BooleanField(_("current contact"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-is_current", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.institution_id and not self.forum_id:
            raise ValidationError({"institution": _("A contact belongs to an institution or a forum.")})
