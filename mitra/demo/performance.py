"""The 2017 performance data of the seed report (LAKIP 2017 of Biro KSLN), loaded through the services.

Sources: Table 1 and appendix 1 (Renstra 2015–2019), Table 2 and appendix 3 (PK 2017), appendix 2 (RKT 2017),
Table 3 (activity targets and their programmes), Table 5 (achievements), appendix 4 (the 22 sub-activities with
ceilings, realisation and output targets), chapter III (SAKIP scores, 2016 absorption).

Illustrative (the report does not give them): the responsible unit of each sub-activity (the report says
components were organised per division), the quarterly plan and the spread of the year's realisation over the
quarters (which sums exactly to appendix 4), the approval history, the achievement bands, program and activity
codes. Where the report's text and its tables disagree, appendix 4 and the tables win; see DISAGREEMENTS.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from mitra.core.models import OrganisationUnit, TrackedModel, User
from mitra.performance import metrics, services
from mitra.performance.models import (
    Activity,
    ActivityTarget,
    FundingFramework,
    Goal,
    Indicator,
    Output,
    PerformanceDocument,
    PerformanceYear,
    Program,
    QuarterEntry,
    ReportStatus,
    StrategicPlan,
    StrategicTarget,
    SubActivity,
)

from .cascade import load_cascade
from .lookup import existing

ILLUSTRATIVE = "Illustrative: the 2017 report does not give this detail."

DISAGREEMENTS = """Where the 2017 report disagrees with itself (tables and appendix 4 win):
- IKU target 2017: 31 in Table 1, Table 2 and appendices 1–4; 28 in Table 5 (with 28 realised, 100 %).
  Appendix 4 reports 31 of 31. Target kept at 31; the realisation is computed from the registry.
- Effective cooperations: target 31 in Table 2 (PK), 28 in Table 5. PK target kept (31).
- PK budget: Rp 6.251.665.000 in Table 2, Rp 5.239.601.000 in appendices 2–4. Appendix figure kept.
- SAKIP achievement: 89,67 % in Table 5 (71,74 / 80), 87,30 % in the text. Computed: 89,68 % (half-up).
- Sub-activity 4: output indicator reads "Jumlah sertifikasi ISO 9001" (copied from another line); recorded as
  "Jumlah pertemuan yang dihadiri". Its achievement is printed 96 % (171/178 = 96,07 %).
- Sub-activity 9: 157 of 156 trips printed as 100 % (computed 100,64 %).
- Sub-activity 11: appendix 4 says 2 of 3 editions (67,00 %); the text says 3 editions of 1,500 copies (100 %).
  The registry holds the 3 editions, so the realisation follows it: 3 of 3.
- Efficiency: the text says the efficiency level reached "2,541"; no sub-activity of appendix 4 gives that
  (the highest TE is 0,664, sub-activity 12).
- The conclusion (IV.1) names the 2016 report instead of 2017.
- Text: "5 activities, 22 sub-activities" but lists 10 numbered activities.
"""

# (number, output code, name, unit code, ceiling, realised, target, achieved, output unit, output indicator,
#  indicator code)
SUB_ACTIVITIES: list[tuple[int, str, str, str, int, int, int, int, str, str, str]] = [
    (
        1,
        "007",
        "Penjajakan Kerjasama dengan Mitra di Luar Negeri",
        "ksln-bm",
        29_100_000,
        28_873_750,
        3,
        3,
        "report",
        "Terselenggaranya penjajakan kerjasama dengan mitra di luar negeri",
        "iku",
    ),
    (
        2,
        "007",
        "Penyusunan Kajian Kerjasama Bilateral dan Multilateral",
        "ksln-bm",
        31_500_000,
        31_388_000,
        2,
        2,
        "study",
        "Tersusunnya kajian kerjasama Bilateral dan Multilateral",
        "kajian",
    ),
    (
        3,
        "007",
        "Penyusunan Posisi Badan POM dalam Kerjasama Bilateral",
        "ksln-bm",
        69_400_000,
        69_397_650,
        13,
        13,
        "document",
        "Jumlah dokumen posisi Badan POM dalam Kerjasama Bilateral",
        "posisi",
    ),
    (
        4,
        "007",
        "Keikutsertaan dalam Pertemuan Interkementerian dan Pertemuan Bilateral dengan Mitra di Dalam dan Luar Negeri",
        "ksln-bm",
        2_075_336_000,
        1_982_117_163,
        178,
        171,
        "trip",
        "Jumlah pertemuan yang dihadiri",
        "pertemuan",
    ),
    (
        5,
        "007",
        "Pelaksanaan Kerjasama Selatan-Selatan dan Triangular",
        "ksln-bm",
        6_800_000,
        6_774_750,
        2,
        1,
        "report",
        "Jumlah laporan pelaksanaan Kerjasama Selatan-Selatan dan Triangular",
        "iku",
    ),
    (
        6,
        "007",
        "Workshop/Seminar/Sosialisasi Isu-Isu Kerjasama Bilateral dan Multilateral",
        "ksln-bm",
        23_894_000,
        23_855_500,
        2,
        2,
        "event",
        "Jumlah workshop yang telah diselenggarakan",
        "sosialisasi",
    ),
    (
        7,
        "007",
        "Penyusunan Posisi Badan POM dalam Kerjasama Regional",
        "ksln-reg",
        41_000_000,
        37_238_850,
        11,
        11,
        "report",
        "Jumlah kertas/dokumen posisi kerjasama regional",
        "posisi",
    ),
    (
        8,
        "007",
        "Penyusunan Kajian Kerjasama Regional",
        "ksln-reg",
        16_300_000,
        14_991_200,
        2,
        2,
        "study",
        "Jumlah kajian kerjasama regional",
        "kajian",
    ),
    (
        9,
        "007",
        "Keikutsertaan dalam Pertemuan Interkementerian dan Pertemuan Regional di Dalam dan Luar Negeri",
        "ksln-reg",
        475_195_000,
        469_786_170,
        156,
        157,
        "trip",
        "Jumlah pertemuan yang dihadiri",
        "pertemuan",
    ),
    (
        10,
        "007",
        "Workshop/Seminar/Sosialisasi Isu-Isu Kerjasama Regional",
        "ksln-reg",
        103_680_000,
        90_610_500,
        3,
        3,
        "event",
        "Jumlah workshop yang telah diselenggarakan",
        "sosialisasi",
    ),
    (
        11,
        "007",
        "Drug and Food Control Newsletter",
        "ksln-reg",
        166_680_000,
        130_427_542,
        3,
        3,
        "edition",
        "Jumlah Drug and Food Control Newsletter yang diterbitkan",
        "sosialisasi",
    ),
    (
        12,
        "007",
        "Penyusunan Kajian Kerjasama Organisasi Internasional",
        "ksln-oi",
        37_085_000,
        22_283_100,
        3,
        3,
        "study",
        "Jumlah kajian kerjasama organisasi internasional",
        "kajian",
    ),
    (
        13,
        "007",
        "Penyusunan Posisi Badan POM dalam Kerjasama Organisasi Internasional",
        "ksln-oi",
        51_000_000,
        50_742_200,
        7,
        7,
        "document",
        "Jumlah dokumen posisi kerjasama organisasi internasional",
        "posisi",
    ),
    (
        14,
        "007",
        "Keikutsertaan dalam Pertemuan Interkementerian dan Pertemuan Organisasi Internasional di Dalam dan "
        "Luar Negeri",
        "ksln-oi",
        707_295_000,
        620_723_049,
        100,
        93,
        "trip",
        "Jumlah Pertemuan yang Dihadiri",
        "pertemuan",
    ),
    (
        15,
        "007",
        "Workshop/Seminar/Sosialisasi Isu-Isu Kerjasama Organisasi Internasional",
        "ksln-oi",
        127_350_000,
        119_538_700,
        3,
        3,
        "event",
        "Jumlah workshop yang telah diselenggarakan",
        "sosialisasi",
    ),
    (
        16,
        "007",
        "Operasional Biro Kerjasama Luar Negeri",
        "ksln-oi-tu",
        774_636_000,
        758_636_205,
        1,
        1,
        "report",
        "Terselenggaranya pengelolaan administrasi keuangan dan barang milik negara",
        "hcm-kinerja",
    ),
    (
        17,
        "007",
        "Perencanaan Hubungan Kerjasama Luar Negeri",
        "ksln-oi-tu",
        20_150_000,
        19_061_680,
        1,
        1,
        "report",
        "Jumlah laporan hubungan kerjasama luar negeri yang telah dibuat",
        "perjalanan",
    ),
    (
        18,
        "007",
        "Peningkatan Kompetensi Pegawai Biro Kerjasama Luar Negeri",
        "ksln-oi-tu",
        127_900_000,
        127_690_500,
        54,
        54,
        "person",
        "Jumlah pegawai yang mengikuti pelatihan",
        "hcm-pelatihan",
    ),
    (
        19,
        "007",
        "Penerapan RB/QMS/SPIP di Biro Kerjasama Luar Negeri",
        "ksln-oi-tu",
        17_000_000,
        16_889_643,
        10,
        10,
        "discussion",
        "Terselenggaranya pembahasan terkait RB/QMS/SPIP",
        "iso",
    ),
    (
        20,
        "007",
        "Monitoring dan Evaluasi Kerjasama Luar Negeri",
        "ksln-oi-tu",
        16_500_000,
        16_496_200,
        2,
        2,
        "report",
        "Tersusunnya Laporan Tahunan dan LAKIP Biro KSLN tahun 2016",
        "sakip",
    ),
    (
        21,
        "996",
        "Pengembangan Sistem Kerjasama Luar Negeri",
        "ksln-oi-tu",
        268_800_000,
        232_855_000,
        2,
        2,
        "unit",
        "Jumlah alat pengolah data yang diadakan",
        "hcm-kinerja",
    ),
    (
        22,
        "997",
        "Peralatan Perkantoran Biro Kerjasama Luar Negeri",
        "ksln-oi-tu",
        53_000_000,
        47_491_893,
        8,
        8,
        "unit",
        "Jumlah peralatan perkantoran yang diadakan",
        "hcm-kinerja",
    ),
]

OUTPUTS = [
    ("007", "Dokumen kerjasama internasional di bidang obat dan makanan"),
    ("996", "Perangkat Pengolah Data"),
    ("997", "Peralatan dan Fasilitas Perkantoran"),
]

# (code, name, unit of measure, activity target index or None (Renstra/PK level), strategic target index or None,
#  is key, source key or "", target 2017, target as written, entered realisation 2017 or None)
INDICATORS: list[tuple[str, str, str, int | None, int | None, bool, str, Decimal, str, Decimal | None]] = [
    (
        "iku",
        "Jumlah pengembangan kerjasama dan/atau kerjasama internasional di bidang Obat dan Makanan",
        "dokumen",
        None,
        0,
        True,
        "cooperation.developments",
        Decimal(31),
        "31 dokumen kerjasama",
        None,
    ),
    (
        "efektif",
        "Jumlah kerjasama yang efektif",
        "kerjasama",
        None,
        1,
        False,
        "cooperation.effective",
        Decimal(31),
        "31 kerjasama efektif",
        None,
    ),
    (
        "sosialisasi",
        "Jumlah kegiatan sosialisasi/publikasi/workshop",
        "kegiatan",
        0,
        None,
        False,
        "cooperation.outreach",
        Decimal(15),
        "",
        None,
    ),
    (
        "posisi",
        "Jumlah dokumen/kertas posisi",
        "posisi",
        1,
        None,
        False,
        "cooperation.position_papers",
        Decimal(28),
        "",
        None,
    ),
    (
        "pertemuan",
        "Jumlah partisipasi aktif dalam pertemuan internasional",
        "pertemuan",
        1,
        None,
        False,
        "cooperation.active_meetings",
        Decimal(23),
        "",
        None,
    ),
    ("kajian", "Jumlah kajian", "kajian", 2, None, False, "cooperation.studies", Decimal(7), "", None),
    (
        "perjalanan",
        "Persentase dokumen perjalanan dinas luar negeri yang selesai tepat waktu",
        "%",
        3,
        None,
        False,
        "travel.on_time_pct",
        Decimal(95),
        "95 %",
        None,
    ),
    (
        "hcm-kinerja",
        "Persentase ASN yang memiliki kinerja berkriteria baik",
        "%",
        4,
        None,
        False,
        "",
        Decimal(80),
        "80 %",
        Decimal(100),
    ),
    (
        "hcm-pelatihan",
        "Persentase ASN yang mengikuti pelatihan",
        "%",
        4,
        None,
        False,
        "",
        Decimal(100),
        "100 %",
        Decimal(100),
    ),
    ("iso", "Perolehan sertifikasi ISO 9001", "sertifikat", 5, None, False, "", Decimal(1), "1 sertifikat", Decimal(1)),
    (
        "sakip",
        "Nilai SAKIP dari Badan POM",
        "nilai",
        6,
        None,
        False,
        "performance.sakip_score",
        Decimal(80),
        "A (nilai minimal 80)",
        None,
    ),
]

ACTIVITY_TARGETS: list[tuple[str, list[str]]] = [
    (
        "Meningkatkan pelaksanaan sosialisasi kepada stakeholder terkait kerjasama Internasional dibidang Obat dan "
        "Makanan",
        [
            "Notifikasi Regulasi Teknis Obat dan Makanan dalam rangka Agreement WTO",
            "Drug and Food Control Newsletter",
            "Workshop isu-isu kerjasama regional",
            "Sosialisasi Penerapan Agreement TBT-WTO",
            "Sosialisasi Isu-Isu Kerjasama Organisasi Internasional",
            "Workshop ASEAN",
            "Workshop Badan POM – Negara Mitra",
        ],
    ),
    (
        "Meningkatkan partisipasi aktif dalam kerjasama Internasional terkait obat dan makanan",
        [
            "Perumusan Kertas/Dokumen Posisi dengan Negara Mitra",
            "Perumusan Kertas/Dokumen Posisi Kerjasama Regional",
            "Perumusan Kertas/Dokumen Posisi Kerjasama Organisasi Internasional",
            "Dukungan Penyelenggaraan Pertemuan Internasional (WHO Global Monitoring and Surveillance SSFFC)",
            "Keikutsertaan dalam Pertemuan Interkementerian dan Pertemuan Internasional di Dalam Negeri",
        ],
    ),
    (
        "Meningkatkan kajian kerjasama di bidang Obat dan Makanan",
        ["Kajian Hubungan dan Kerjasama Luar Negeri"],
    ),
    ("Meningkatkan kualitas pelayanan dokumen perjalanan dinas LN", ["Perencanaan Hubungan Kerjasama Luar Negeri"]),
    (
        "Meningkatkan pengelolaan Human Capital Management (HCM) di Biro KSLN",
        [
            "Operasional Biro Kerjasama Luar Negeri",
            "Alat Pengolah Data Biro Kerjasama Luar Negeri",
            "Peralatan Perkantoran Biro Kerjasama Luar Negeri",
            "Peningkatan Kompetensi Pegawai Biro Kerjasama Luar Negeri",
        ],
    ),
    (
        "Implementasi QMS di Biro KSLN",
        ["Penerapan RB/QMS/SPIP/LO di Biro KSLN dalam rangka Hubungan Kerjasama Luar Negeri"],
    ),
    ("Meningkatkan akuntabilitas Biro KSLN", ["Monitoring dan Evaluasi Kerjasama Luar Negeri"]),
]

# The key indicator's operational definition (Manual IKU), after the 2017 report (chapter II, "definisi
# operasional ... sesuai dengan dokumen rencana kerja pemerintah"); the formula, source and frequency are how
# Mitra counts it (cooperation.developments), stated here in the report's words.
MANUAL_IKU: dict[str, dict[str, str]] = {
    "iku": {
        "definition": (
            "Pengembangan kerjasama luar negeri meliputi penjajagan (membuat telaah/kajian) kerjasama, penyusunan "
            "kesepakatan kerjasama dan pelaksanaan kerjasama bilateral, regional dan multilateral/organisasi "
            "internasional. Kerja sama adalah kesepakatan internasional yang dituangkan dalam dokumen resmi "
            "(Memorandum of Understanding/Nota Kesepahaman, Letter of Agreement, Arrangement, Memorandum Saling "
            "Pengertian, Record of Discussion) yang ditandatangani oleh Kepala Badan POM atau atas nama Kepala "
            "Badan POM."
        ),
        "formula": (
            "Jumlah dokumen pengembangan kerjasama dan/atau kerjasama di bidang Obat dan Makanan pada tahun "
            "berjalan (kertas posisi, partisipasi aktif dalam pertemuan, kesepakatan yang ditandatangani)."
        ),
        "data_source": "Register kerjasama Biro Kerjasama Luar Negeri (Mitra)",
        "frequency": "Triwulanan, dilaporkan tahunan",
    }
}

RENSTRA_TARGETS = {2015: 25, 2016: 28, 2017: 31, 2018: 34, 2019: 37}
FUNDING = {2015: 5_600_000_000, 2016: 6_000_000_000, 2017: 7_000_000_000, 2018: 7_000_000_000, 2019: 8_000_000_000}

# Planned share of the ceiling and of the output target per quarter (illustrative), and how each unit actually
# spread its realisation (illustrative; the international-organisation division started slowly).
PLAN_WEIGHTS = (20, 25, 25, 30)
REALISED_WEIGHTS = {
    "ksln-bm": (18, 24, 26, 32),
    "ksln-reg": (20, 25, 25, 30),
    "ksln-oi": (10, 18, 30, 42),
    "ksln-oi-tu": (22, 24, 26, 28),
}
# The quarter the demo leaves in draft (entered, not yet submitted), so a person can walk the approval.
OPEN_QUARTER = ("ksln-bm", 4)
SUBMITTERS = {"ksln-bm": "staf.bilateral", "ksln-reg": "staf.regional", "ksln-oi": "staf.oi", "ksln-oi-tu": "staf.oi"}

OBSTACLES = {
    4: (
        "Tujuh perjalanan batal: undangan dari unit teknis dan antarkementerian bersamaan.",
        "Menyusun jadwal partisipasi bersama unit teknis di awal tahun.",
    ),
    5: (
        "Satu laporan Kerjasama Selatan-Selatan tertunda karena pemotongan anggaran.",
        "Menjadwalkan ulang kegiatan pada awal tahun berikutnya.",
    ),
    11: (
        "Masukan artikel dari unit kerja terlambat; penulis dan editor tidak dapat hadir pada pembahasan.",
        "Membuat jadwal penerbitan dan meningkatkan komitmen penanggung jawab kegiatan.",
    ),
    14: (
        "Tujuh perjalanan tidak terlaksana karena undangan bersamaan dan revisi anggaran.",
        "Memperkuat perencanaan partisipasi dan pengelolaan anggaran.",
    ),
}

SAKIP = {2015: Decimal("62.57"), 2016: Decimal("69.84"), 2017: Decimal("71.74")}

BANDS = [
    (Decimal(120), "Sangat baik"),
    (Decimal(100), "Baik"),
    (Decimal(80), "Cukup"),
    (Decimal(60), "Kurang"),
    (Decimal(0), "Sangat kurang"),
]


class _Counter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, kind: str, created: bool) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + int(created)


def _upsert(
    counter: _Counter, kind: str, model: type[TrackedModel], lookup: dict[str, Any], data: dict[str, Any]
) -> Any:
    """The record with this natural key if one exists (left as it is), else a new one with the demo's content."""
    found = existing(model, **lookup)
    counter.add(kind, found is None)
    if found is not None:
        return found
    return services.plan_record_create(actor=None, model=model, data={**lookup, **data}, system=True)


@transaction.atomic
def load_performance() -> dict[str, int]:
    c = _Counter()
    units = {u.code: u for u in OrganisationUnit.objects.all()}
    users = {u.username: u for u in User.objects.all()}
    bureau = units["ksln"]

    # Years, bands, SAKIP history (chapter III) and the 2016 absorption.
    for year, score in SAKIP.items():
        data: dict[str, Any] = {"sakip_score": score}
        if year == 2016:
            data["reported_absorption_pct"] = Decimal("94.62")
        if year == 2017:
            data.update(sakip_target_score=Decimal(80), notes=DISAGREEMENTS)
        missing = not PerformanceYear.objects.filter(year=year).exists()
        c.add("performance_years", missing)
        if missing:
            services.year_save(actor=None, year=year, data=data, system=True)
    for floor, label in BANDS:
        missing = not _band_exists(floor)
        c.add("achievement_bands", missing)
        if missing:
            services.band_save(actor=None, year=None, min_pct=floor, label=label, is_illustrative=True, system=True)

    # Renstra 2015–2019 (Table 1, appendix 1).
    plan = _upsert(
        c,
        "strategic_plans",
        StrategicPlan,
        {"name": "Renstra Biro Kerjasama Luar Negeri 2015–2019"},
        {
            "owner_unit": bureau,
            "start_year": 2015,
            "end_year": 2019,
            "vision": "Obat dan Makanan Aman, Meningkatkan Kesehatan Masyarakat dan Daya Saing Bangsa",
            "missions": "\n".join(
                [
                    "Meningkatkan sistem pengawasan Obat dan Makanan berbasis risiko untuk melindungi masyarakat",
                    "Mendorong kemandirian pelaku usaha dalam memberikan jaminan keamanan Obat dan Makanan serta "
                    "memperkuat kemitraan dengan pemangku kepentingan",
                    "Meningkatkan kapasitas kelembagaan Badan POM",
                ]
            ),
            "decree": "Keputusan Kepala Biro Kerjasama Luar Negeri Nomor HK.04.2.21.05.15.0614 Tahun 2015",
        },
    )
    goal = _upsert(
        c,
        "goals",
        Goal,
        {"plan": plan, "order": 1},
        {"text": "Meningkatnya Partisipasi Masyarakat dan Efektivitas Kerjasama"},
    )
    strategic = [
        _upsert(
            c,
            "strategic_targets",
            StrategicTarget,
            {"plan": plan, "order": i + 1},
            {"goal": goal, "text": text},
        )
        for i, text in enumerate(
            [
                "Meningkatnya koordinasi kerjasama dan kemitraan di bidang pengawasan obat dan makanan",
                "Meningkatnya efektivitas kerjasama luar negeri Badan POM",
            ]
        )
    ]
    for year, amount in FUNDING.items():
        _upsert(c, "funding", FundingFramework, {"plan": plan, "year": year}, {"amount": amount})
    activity_targets = [
        _upsert(
            c,
            "activity_targets",
            ActivityTarget,
            {"plan": plan, "year": 2017, "order": i + 1},
            {"text": text, "programme_text": "\n".join(programmes)},
        )
        for i, (text, programmes) in enumerate(ACTIVITY_TARGETS)
    ]
    indicators: dict[str, Indicator] = {}
    for order, (code, name, uom, at, st, key, source, target, label, realised) in enumerate(INDICATORS):
        indicators[code] = _upsert(
            c,
            "indicators",
            Indicator,
            {"plan": plan, "code": code},
            {
                "name": name,
                "unit_of_measure": uom,
                "order": order,
                "is_key": key,
                "activity_target": activity_targets[at] if at is not None else None,
                "strategic_target": strategic[st] if st is not None else None,
                "source_kind": "computed" if source else "entered",
                "source_key": source,
                **MANUAL_IKU.get(code, {}),
            },
        )
        if code == "iku":
            for year, value in RENSTRA_TARGETS.items():
                _target(
                    c, indicators[code], year, {"target": Decimal(value), "target_label": label if year == 2017 else ""}
                )
        else:
            _target(c, indicators[code], 2017, {"target": target, "target_label": label, "realised": realised})

    # RKT (appendix 2) and PK (Table 2, appendix 3) of 2017.
    signatory = {"first_party_name": "Achmad Gozali H.M.", "first_party_position": "Kepala Biro Kerjasama Luar Negeri"}
    documents: list[tuple[str, dict[str, Any], list[tuple[str, Decimal, str, int | None]]]] = [
        ("rkt", {**signatory, "notes": "Lampiran 2."}, [("iku", Decimal(31), "31", 5_239_601_000)]),
        (
            "pk",
            {
                **signatory,
                "second_party_name": "Dra. Reri Indriani, Apt, M.Si",
                "second_party_position": "Sekretaris Utama Badan POM",
                "notes": "Lampiran 3; ditandatangani Januari 2017 (tanggal tidak disebut). Tabel 2 menyebut anggaran "
                "Rp 6.251.665.000; lampiran 3 Rp 5.239.601.000 (dipakai).",
            },
            [
                ("efektif", Decimal(31), "31 kerjasama efektif", None),
                ("iku", Decimal(31), "31 dokumen kerjasama", 5_239_601_000),
            ],
        ),
    ]
    for kind, data, lines in documents:
        exists = PerformanceDocument.objects.filter(kind=kind, year=2017).exists()
        c.add("performance_documents", not exists)
        if not exists:
            services.document_create(
                actor=None,
                data={"kind": kind, "year": 2017, "plan": plan, "owner_unit": bureau, "budget": 5_239_601_000, **data},
                lines=[
                    {"indicator": indicators[code], "target": target, "target_label": label, "budget": budget}
                    for code, target, label, budget in lines
                ],
                system=True,
            )

    # Budget structure of 2017 (appendix 4).
    program = _upsert(
        c,
        "programs",
        Program,
        {"year": 2017, "code": "DMPTTL"},
        {"name": "Program Dukungan Manajemen dan Pelaksanaan Tugas Teknis Lainnya Badan POM"},
    )
    activity = _upsert(
        c,
        "activities",
        Activity,
        {"program": program, "code": "KSLN"},
        {"name": "Peningkatan Penyelenggaraan Hubungan dan Kerjasama Luar Negeri"},
    )
    outputs = {
        code: _upsert(c, "outputs", Output, {"activity": activity, "code": code}, {"name": name})
        for code, name in OUTPUTS
    }
    fresh: set[tuple[str, int]] = set()  # (unit, quarter) whose entries this run created
    for number, out, name, unit, ceiling, spent, volume, achieved, uom, description, served in SUB_ACTIVITIES:
        data = {
            "output": outputs[out],
            "name": name,
            "owner_unit": units[unit],
            "ceiling": ceiling,
            "output_target": Decimal(volume),
            "output_unit": uom,
            "output_description": description,
            "indicator": indicators[served],
            "is_illustrative_unit": True,
            "notes": ILLUSTRATIVE + " (responsible unit, quarterly plan and spread)",
        }
        sub = SubActivity.objects.filter(year=2017, number=number).first()
        c.add("sub_activities", sub is None)
        if sub is None:
            sub = services.sub_activity_create(actor=None, data={"number": number, **data}, system=True)
        fresh |= {(unit, q) for q in _quarters(c, sub, unit, ceiling, spent, volume, achieved)}

    load_cascade(c.add, plan, indicators, units)
    _approvals(c, units, users, fresh)
    return c.counts


def _band_exists(floor: Decimal) -> bool:
    from mitra.performance.models import AchievementBand

    return AchievementBand.objects.filter(year__isnull=True, min_pct=floor).exists()


def _target(c: _Counter, indicator: Indicator, year: int, data: dict[str, Any]) -> None:
    missing = not indicator.targets.filter(year=year).exists()
    c.add("indicator_targets", missing)
    if missing:
        services.indicator_target_set(actor=None, indicator=indicator, year=year, data=data, system=True)


def _quarters(
    c: _Counter, sub: SubActivity, unit: str, ceiling: int, realised: int, target: int, achieved: int
) -> list[int]:
    """Creates the quarter entries that are missing (plan and realisation); returns their quarters. An entry that
    exists is left as it is: its figures and texts may be a user's, and its quarter may be locked."""
    planned_budget = metrics.split(ceiling, PLAN_WEIGHTS)
    planned_output = metrics.split(target, PLAN_WEIGHTS)
    budget = metrics.split(realised, REALISED_WEIGHTS[unit])
    output = metrics.split(achieved, REALISED_WEIGHTS[unit])
    made = []
    for q in (1, 2, 3, 4):
        entry = QuarterEntry.objects.filter(sub_activity=sub, quarter=q).first()
        c.add("quarter_entries", entry is None)
        if entry is not None:
            continue
        services.quarter_plan_set(
            actor=None,
            sub_activity=sub,
            quarter=q,
            planned_output=Decimal(planned_output[q - 1]),
            planned_budget=planned_budget[q - 1],
            system=True,
        )
        obstacles, follow_up = OBSTACLES.get(sub.number, ("", "")) if q == 4 else ("", "")
        data = {
            "output_realised": Decimal(output[q - 1]),
            "budget_realised": budget[q - 1],
            "obstacles": obstacles,
            "follow_up": follow_up,
            "is_illustrative": True,
        }
        report = services.quarter_report_for(year=sub.year, quarter=q, unit=sub.owner_unit)
        if report.status == ReportStatus.DRAFT:  # a new sub-activity in a quarter already submitted: plan only
            services.realisation_record(actor=None, year=sub.year, sub_activity=sub, quarter=q, data=data, system=True)
            made.append(q)
    return made


def _approvals(
    c: _Counter, units: dict[str, OrganisationUnit], users: dict[str, User], fresh: set[tuple[str, int]]
) -> None:
    """Q1–Q4 approved for every unit, except the quarter left open for the demonstration. Only the quarters whose
    entries this run created move: a quarter that existed before is in whatever state its users left it."""
    for code in REALISED_WEIGHTS:
        for q in (1, 2, 3, 4):
            if (code, q) == OPEN_QUARTER or (code, q) not in fresh:
                continue
            report = services.quarter_report_for(year=2017, quarter=q, unit=units[code])
            if report.status == ReportStatus.APPROVED:
                continue
            submitter = users.get(SUBMITTERS[code])
            verifier = users.get("kabag.bilateral") if code == "ksln-bm" else users.get("admin")
            if report.status == ReportStatus.DRAFT:
                report = services.quarter_submit(actor=submitter, report=report, system=True)
            if report.status == ReportStatus.SUBMITTED:
                report = services.quarter_verify(actor=verifier, report=report, system=True)
            services.quarter_approve(actor=users.get("kepala.biro"), report=report, system=True)
            c.add("approved_quarters", True)
    c.add("approved_quarters", False)
