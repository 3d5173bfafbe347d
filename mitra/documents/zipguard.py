"""A look at a ZIP package's directory before anything unpacks it (DOCX and XLSX are ZIP packages).

A small upload can declare members that unpack to gigabytes (a "zip bomb"): the parsers would fill the worker's
memory. Refused before any parse: more members than MITRA_UPLOAD_MAX_ZIP_MEMBERS, one member larger than
MITRA_UPLOAD_MAX_ZIP_MEMBER_BYTES unpacked, or all of them together larger than MITRA_UPLOAD_MAX_UNZIPPED_BYTES.
Python's zipfile never unpacks a member beyond the size its directory declares, so the declared sizes bound what
any later parse can read.
"""

from __future__ import annotations

import zipfile
from typing import IO

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DEFAULTS = {
    "MITRA_UPLOAD_MAX_UNZIPPED_BYTES": 100 * 1024 * 1024,
    "MITRA_UPLOAD_MAX_ZIP_MEMBER_BYTES": 50 * 1024 * 1024,
    "MITRA_UPLOAD_MAX_ZIP_MEMBERS": 2000,
}


def setting(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))


def zip_problem(file: IO[bytes]) -> str | None:
    """Why this ZIP package may not be unpacked (a message for the person who chose it), or None."""
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return _("The file is damaged: its contents cannot be read.")
    finally:
        file.seek(0)
    max_members = setting("MITRA_UPLOAD_MAX_ZIP_MEMBERS")
    if len(members) > max_members:
        return _("The file holds %(n)s parts; at most %(max)s are accepted.") % {"n": len(members), "max": max_members}
    max_member = setting("MITRA_UPLOAD_MAX_ZIP_MEMBER_BYTES")
    largest = max((m.file_size for m in members), default=0)
    if largest > max_member:
        return _(
            "One part of the file unpacks to %(size)s; at most %(max)s is accepted. Save the document again "
            "without embedded content, or split it."
        ) % {"size": filesizeformat(largest), "max": filesizeformat(max_member)}
    total = sum(m.file_size for m in members)
    max_total = setting("MITRA_UPLOAD_MAX_UNZIPPED_BYTES")
    if total > max_total:
        return _("The file unpacks to %(size)s; at most %(max)s is accepted.") % {
            "size": filesizeformat(total),
            "max": filesizeformat(max_total),
        }
    return None
