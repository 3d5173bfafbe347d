"""What the public may see: a cooperation or an agreement the head of the bureau has marked public, with the
summary written for the public. Nothing else of the registry is visible without signing in."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mitra.core.models import TrackedModel


class PublicListing(TrackedModel):
    cooperation = models.OneToOneField(
        "cooperation.Cooperation",
        verbose_name=_("cooperation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="public_listing",
    )
    agreement = models.OneToOneField(
        "cooperation.Agreement",
        verbose_name=_("agreement"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="public_listing",
    )
    is_public = models.BooleanField(_("shown on the public page"), default=False)
    summary = models.TextField(_("public summary (Indonesian)"), max_length=2000)
    summary_en = models.TextField(_("public summary (English)"), max_length=2000, blank=True)
    published_on = models.DateField(_("public since"), null=True, blank=True)

    class Meta:
        verbose_name = _("public listing")
        verbose_name_plural = _("public listings")
        constraints = [
            models.CheckConstraint(
                condition=Q(cooperation__isnull=False, agreement__isnull=True)
                | Q(cooperation__isnull=True, agreement__isnull=False),
                name="public_listing_one_record",
            )
        ]

    def __str__(self) -> str:
        return str(self.record)

    @property
    def record(self) -> models.Model:
        record = self.cooperation or self.agreement
        assert record is not None
        return record

    @property
    def kind(self) -> str:
        return "kerjasama" if self.cooperation_id else "perjanjian"
