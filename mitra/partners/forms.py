from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from mitra.core.models import User
from mitra.core.web import VersionedForm

from .models import Forum


def https_by_default(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """A website typed without a scheme means https (Django 6's default, chosen now)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class PartnerForm(VersionedForm):
    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelMultipleChoiceField):
                field.widget.attrs.setdefault("size", 10)


class ForumForm(PartnerForm):
    """A forum is not its own parent."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            parent = self.fields["parent"]
            assert isinstance(parent, forms.ModelChoiceField)
            parent.queryset = Forum.objects.exclude(pk=self.instance.pk)
