"""The organisation of the 2017 report (chapter I): Badan POM → Biro Kerjasama Luar Negeri → 3 divisions → 7
sub-divisions, 24 people (16 civil servants, 8 contract staff), and the demo logins; plus one unit outside the
bureau (Direktorat Registrasi Obat) with a head and a staff member, who request travel and read the registry.

The report names the bureau, its three functions (hence the three divisions) and the counts of people and posts,
but not the sub-divisions' names, the people or their profile (figure 2 did not survive in the text). Those are
plausible and marked illustrative.
"""

from __future__ import annotations

import datetime

DEMO_PASSWORD = "mitra-demo-2017"  # noqa: S105  (published demo password, refused in production)

ILLUSTRATIVE_NOTE = "Illustrative: the 2017 report does not give this detail."


def joined_on(birth_year: int) -> datetime.date:
    """An illustrative joining day: at 24, and by March 2016 at the latest, so that the 24 people of the 2017 report
    are on the staff on 31 December 2017."""
    return datetime.date(min(birth_year + 24, 2016), 3, 1)


# (code, parent code, kind, name, English name, short name, illustrative)
UNITS: list[tuple[str, str | None, str, str, str, str, bool]] = [
    (
        "bpom",
        None,
        "institution",
        "Badan Pengawas Obat dan Makanan",
        "National Agency of Drug and Food Control",
        "Badan POM",
        False,
    ),
    ("ksln", "bpom", "bureau", "Biro Kerjasama Luar Negeri", "Bureau of International Cooperation", "Biro KSLN", False),
    (
        "ksln-bm",
        "ksln",
        "division",
        "Bagian Kerjasama Bilateral dan Multilateral",
        "Bilateral and Multilateral Cooperation Division",
        "Bagian Bilateral",
        False,
    ),
    (
        "ksln-reg",
        "ksln",
        "division",
        "Bagian Kerjasama Regional",
        "Regional Cooperation Division",
        "Bagian Regional",
        False,
    ),
    (
        "ksln-oi",
        "ksln",
        "division",
        "Bagian Kerjasama Organisasi Internasional",
        "International Organisation Cooperation Division",
        "Bagian OI",
        False,
    ),
    (
        "ksln-bm-bilateral",
        "ksln-bm",
        "subdivision",
        "Subbagian Kerjasama Bilateral",
        "Bilateral Cooperation Sub-division",
        "Subbag Bilateral",
        True,
    ),
    (
        "ksln-bm-multilateral",
        "ksln-bm",
        "subdivision",
        "Subbagian Kerjasama Multilateral",
        "Multilateral Cooperation Sub-division",
        "Subbag Multilateral",
        True,
    ),
    (
        "ksln-reg-asean",
        "ksln-reg",
        "subdivision",
        "Subbagian Kerjasama ASEAN",
        "ASEAN Cooperation Sub-division",
        "Subbag ASEAN",
        True,
    ),
    (
        "ksln-reg-apec",
        "ksln-reg",
        "subdivision",
        "Subbagian Kerjasama APEC dan Regional Lainnya",
        "APEC and Other Regional Cooperation Sub-division",
        "Subbag APEC",
        True,
    ),
    (
        "ksln-oi-kesehatan",
        "ksln-oi",
        "subdivision",
        "Subbagian Organisasi Internasional Bidang Kesehatan",
        "International Health Organisations Sub-division",
        "Subbag OI Kesehatan",
        True,
    ),
    (
        "ksln-oi-perdagangan",
        "ksln-oi",
        "subdivision",
        "Subbagian Organisasi Internasional Bidang Perdagangan",
        "International Trade Organisations Sub-division",
        "Subbag OI Perdagangan",
        True,
    ),
    ("ksln-oi-tu", "ksln-oi", "subdivision", "Subbagian Tata Usaha", "Administration Sub-division", "Subbag TU", True),
    # A unit outside the bureau that requests travel and reads the registry (most of Mitra's users are in such
    # units). Not in the 2017 report; its people are illustrative.
    (
        "dit-registrasi-obat",
        "bpom",
        "directorate",
        "Direktorat Registrasi Obat",
        "Directorate of Drug Registration",
        "Dit. Registrasi Obat",
        True,
    ),
]

# (username, role, unit code, first name, last name)
USERS: list[tuple[str, str, str, str, str]] = [
    ("admin", "administrator", "ksln", "Administrator", "Mitra"),
    ("kepala.biro", "leadership", "ksln", "Ratna", "Kusumawati"),
    ("kabag.bilateral", "head_of_unit", "ksln-bm", "Hendra", "Wijaya"),
    ("staf.bilateral", "staff", "ksln-bm", "Dewi", "Lestari"),
    ("staf.regional", "staff", "ksln-reg", "Agus", "Setiawan"),
    ("staf.oi", "staff", "ksln-oi", "Sri", "Wahyuni"),
    ("pembaca", "reader", "ksln", "Budi", "Santoso"),
    ("kepala.registrasi", "head_of_unit", "dit-registrasi-obat", "Yuliana", "Sari"),
    ("staf.registrasi", "staff", "dit-registrasi-obat", "Rizky", "Ramadhan"),
]


# (full name, unit code, employment, position, education, grade, birth year, login username or "")
# 16 civil servants: 1 head of bureau, 3 heads of division, 7 heads of sub-division, 5 staff; 8 contract staff.
STAFF: list[tuple[str, str, str, str, str, str, int, str]] = [
    ("Ratna Kusumawati", "ksln", "civil_servant", "head_of_bureau", "s2", "IV/c", 1966, "kepala.biro"),
    ("Hendra Wijaya", "ksln-bm", "civil_servant", "head_of_division", "s2", "IV/a", 1970, "kabag.bilateral"),
    ("Nurul Hidayah", "ksln-reg", "civil_servant", "head_of_division", "s2", "IV/a", 1972, ""),
    ("Bambang Prasetyo", "ksln-oi", "civil_servant", "head_of_division", "s3", "IV/b", 1968, ""),
    ("Indah Permatasari", "ksln-bm-bilateral", "civil_servant", "head_of_subdivision", "s2", "III/d", 1978, ""),
    ("Yusuf Maulana", "ksln-bm-multilateral", "civil_servant", "head_of_subdivision", "s2", "III/d", 1980, ""),
    ("Fitri Handayani", "ksln-reg-asean", "civil_servant", "head_of_subdivision", "s2", "III/d", 1979, ""),
    ("Rudi Hartono", "ksln-reg-apec", "civil_servant", "head_of_subdivision", "s1", "III/c", 1976, ""),
    ("Maya Anggraini", "ksln-oi-kesehatan", "civil_servant", "head_of_subdivision", "s2", "III/d", 1981, ""),
    ("Eko Saputra", "ksln-oi-perdagangan", "civil_servant", "head_of_subdivision", "s2", "III/c", 1982, ""),
    ("Siti Rahmawati", "ksln-oi-tu", "civil_servant", "head_of_subdivision", "s1", "III/c", 1975, ""),
    ("Dewi Lestari", "ksln-bm", "civil_servant", "staff", "s1", "III/a", 1990, "staf.bilateral"),
    ("Agus Setiawan", "ksln-reg", "civil_servant", "staff", "s1", "III/b", 1988, "staf.regional"),
    ("Sri Wahyuni", "ksln-oi", "civil_servant", "functional", "s2", "III/b", 1987, "staf.oi"),
    ("Rina Marlina", "ksln-oi-tu", "civil_servant", "staff", "d3", "II/c", 1985, ""),
    ("Andi Pratama", "ksln-reg-asean", "civil_servant", "staff", "s1", "III/a", 1992, ""),
    ("Joko Susilo", "ksln-oi-tu", "contract", "support", "sma", "", 1983, ""),
    ("Wati Suryani", "ksln-oi-tu", "contract", "support", "sma", "", 1986, ""),
    ("Dedi Kurniawan", "ksln-oi-tu", "contract", "support", "sma", "", 1990, ""),
    ("Lina Marliana", "ksln-bm", "contract", "support", "d3", "", 1993, ""),
    ("Asep Hidayat", "ksln-reg", "contract", "support", "sma", "", 1989, ""),
    ("Yanti Susanti", "ksln-oi", "contract", "support", "d3", "", 1994, ""),
    ("Tono Sugiarto", "ksln-oi-tu", "contract", "support", "sma", "", 1979, ""),
    ("Putri Ayuningtyas", "ksln-bm", "contract", "support", "s1", "", 1995, ""),
    # Outside the bureau (not counted in the report's 24): the directorate's traveller.
    ("Rizky Ramadhan", "dit-registrasi-obat", "civil_servant", "staff", "s1", "III/a", 1991, "staf.registrasi"),
]
