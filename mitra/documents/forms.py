from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from mitra.core.web import version_field

from .models import DocumentCategory
from .services import ALLOWED_EXTENSIONS, validate_upload

ACCEPT = ",".join(sorted(f".{ext}" for ext in ALLOWED_EXTENSIONS))


class DocumentUploadForm(forms.Form):
    """The file, its category and title. The type and size are checked at the field, before anything is saved."""

    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (DOCX), Excel (XLSX), PNG or JPEG."),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    category = forms.ChoiceField(label=_("Category"), choices=DocumentCategory.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to use the file name."),
    )

    def clean_file(self) -> Any:
        uploaded = self.cleaned_data["file"]
        try:
            self.detected = validate_upload(uploaded)
        except ValidationError as error:
            # validate_upload names the field; a clean_<field> method raises the field's own errors.
            raise ValidationError(error.error_dict["file"]) from None
        return uploaded

    @classmethod
    def returned(
        cls, data: dict[str, str], errors: dict[str, list[dict[str, str]]], auto_id: str
    ) -> DocumentUploadForm:
        """The form as it was refused: the category and title chosen, the messages (with their codes) at their
        fields. Unbound (the file itself cannot come back), so nothing is validated again."""
        form = cls(initial=data, auto_id=auto_id)
        form.full_clean()  # an unbound form: no errors, no cleaned data
        form.cleaned_data = {}
        for field, messages in errors.items():
            name = field if field in form.fields else None
            form.add_error(name, [ValidationError(m.get("message", ""), code=m.get("code") or None) for m in messages])
        return form


class DocumentRemoveForm(forms.Form):
    expected_version = version_field()
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
