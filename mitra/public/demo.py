"""The demo's public page: three agreements signed in 2017 marked public by the head of the bureau (the demo
loader adds a listing only where the agreement has none, whatever a user did with it since)."""

from __future__ import annotations

from django.db import transaction

from mitra.cooperation.models import Agreement
from mitra.core.models import User

from . import services
from .models import PublicListing

LISTINGS: list[tuple[str, str, str]] = [
    (
        "Nota Kesepahaman Badan POM dan ONSSA Maroko",
        "Kerja sama pengawasan obat dan makanan dengan otoritas keamanan pangan Maroko (ONSSA): pertukaran informasi "
        "regulasi, peningkatan kapasitas, dan fasilitasi perdagangan produk pangan.",
        "Cooperation with Morocco's food safety authority (ONSSA) on drug and food control: exchange of regulatory "
        "information, capacity building and facilitation of trade in food products.",
    ),
    (
        "Nota Kesepahaman Badan POM dan United States Pharmacopeial Convention",
        "Kerja sama dengan USP untuk penguatan laboratorium pengujian obat: standar baku pembanding, pelatihan, dan "
        "pertukaran keahlian.",
        "Cooperation with USP to strengthen drug testing laboratories: reference standards, training and exchange of "
        "expertise.",
    ),
    (
        "Nota Kesepahaman Badan POM dan University of Georgia",
        "Kerja sama penelitian dan pelatihan keamanan pangan dengan University of Georgia (Amerika Serikat).",
        "Research and training cooperation on food safety with the University of Georgia (United States).",
    ),
]


@transaction.atomic
def load_public() -> dict[str, int]:
    created = 0
    head = User.objects.filter(username="kepala.biro").first()
    for title, summary, summary_en in LISTINGS:
        agreement = Agreement.all_objects.filter(title=title).first()
        if agreement is None or PublicListing.objects.filter(agreement=agreement).exists():
            continue
        services.publish(actor=head, record=agreement, summary=summary, summary_en=summary_en, system=True)
        created += 1
    return {"public listings": created}
