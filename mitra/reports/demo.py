"""Demo narratives of the 2017 LAKIP, adapted from the report's own text with every figure as a reference.

The original typed its numbers and contradicted itself (31 vs 28, 87,30 % vs 89,67 %, 2016 in the conclusion,
"2,541" as an efficiency level no line gives). Here each number is a `{{ name }}` resolved from the records.
"""

from __future__ import annotations

from django.db import transaction

# ruff: noqa: E501  (narrative prose, one paragraph per line as a person types it)

NARRATIVES_2017 = {
    "foreword": """Puji syukur kita panjatkan ke hadirat Allah SWT sehingga Laporan Kinerja Biro Kerjasama Luar Negeri tahun {{ year }} dapat tersusun, sebagai bentuk akuntabilitas pelaksanaan tugas dan fungsi Biro Kerjasama Luar Negeri atas target kinerja dan penggunaan anggaran tahun {{ year }}. Penyusunan laporan ini mengacu pada Peraturan Menteri PAN dan RB Nomor 29 Tahun 2010 dan Nomor 53 Tahun 2014.

Laporan ini menggambarkan capaian kinerja tahun {{ year }} beserta analisisnya. Permasalahan dan kendala yang dihadapi menjadi rencana tindak lanjut untuk perbaikan kinerja ke depan, dalam rangka mencapai sasaran *peningkatan kerjasama lintas sektor yang efektif antara instansi di dalam dan mitra luar negeri* sebagaimana tercermin dalam Rencana Strategis {{ renstra.period }}.

Kami berharap laporan ini bermanfaat sebagai cermin untuk mengevaluasi kinerja satu tahun dan mendorong kinerja yang lebih produktif, efektif dan efisien.""",
    "summary": """Biro Kerjasama Luar Negeri merupakan unit penunjang Badan POM untuk meningkatkan hubungan dan kerjasama luar negeri dalam mendukung pengawasan Obat dan Makanan: penjajakan kerjasama, penyusunan kertas posisi, partisipasi dalam forum internasional, koordinasi lintas sektor, sampai fasilitasi dokumen perjalanan dinas luar negeri.

Capaian indikator kinerja utama (IKU) adalah {{ indicator.iku.realized }} pengembangan kerjasama dari target {{ indicator.iku.target }}, atau {{ indicator.iku.achievement_pct }} (kategori **{{ indicator.iku.category }}**). Nilai SAKIP {{ year }} sebesar {{ sakip.score }} ({{ sakip.grade }}) dari target {{ sakip.target }} ({{ sakip.target_grade }}), capaian {{ sakip.achievement_pct }}; nilai ini meningkat dari {{ sakip.score_2015 }} pada awal periode Renstra dan {{ sakip.previous_score }} pada tahun {{ previous_year }}.

Serapan anggaran tahun {{ year }} mencapai {{ budget.realized }} dari pagu {{ budget.ceiling }} ({{ budget.absorption_pct }}), dibandingkan {{ budget.previous_absorption_pct }} pada tahun {{ previous_year }}.

Langkah ke depan antara lain:
1. Menyusun sistem informasi hubungan dan kerjasama luar negeri Badan POM untuk membangun *institutional knowledge*.
2. Meningkatkan pengelolaan *Human Capital Management* (HCM) dengan melibatkan semua SDM dalam perencanaan.
3. Meningkatkan implementasi Reformasi Birokrasi, QMS dan SPIP.""",
    "introduction": """Tahun {{ year }} merupakan bagian dari pelaksanaan RPJMN dan Rencana Strategis Badan POM periode {{ renstra.period }}. Renstra Biro Kerjasama Luar Negeri ditetapkan melalui {{ renstra.decree }} dan memuat indikator kinerja dengan target per tahun.

Laporan Kinerja memuat penjelasan pencapaian setiap sasaran strategis dalam Renstra dan Perjanjian Kinerja, termasuk aspek keuangan.""",
    "purpose": """Penyusunan Laporan Kinerja tahun {{ year }} adalah bentuk pertanggungjawaban atas pelaksanaan program/kegiatan dan pengelolaan anggaran. Tujuannya menilai dan mengevaluasi pencapaian kinerja dan sasaran Biro Kerjasama Luar Negeri selama tahun {{ year }} sebagai masukan kebijakan dan strategi tahun berikutnya.""",
    "duties": """Biro Kerjasama Luar Negeri berada di bawah Sekretariat Utama dan bertugas melaksanakan koordinasi kegiatan kerjasama internasional yang berkaitan dengan tugas Badan POM, dengan fungsi:
- pelaksanaan kegiatan kerjasama bilateral dan multilateral;
- pelaksanaan kegiatan kerjasama regional;
- pelaksanaan kegiatan kerjasama organisasi internasional.""",
    "staff": """Per 31 Desember {{ year }}, pegawai Biro Kerjasama Luar Negeri berjumlah {{ staff.total }} orang: {{ staff.civil_servants }} ASN dan {{ staff.contract }} staf pramubakti. Gambaran menurut pendidikan, usia, golongan dan jabatan disajikan pada tabel dan gambar berikut.""",
    "potential": """Globalisasi dan perjanjian perdagangan bebas (*Free Trade Area*) di tingkat bilateral, regional dan multilateral membuka peluang sekaligus risiko bagi pengawasan Obat dan Makanan. Badan POM tidak dapat menjadi *single player* dan terus memperkuat kemitraan dengan pemangku kepentingan dalam dan luar negeri.

Permasalahan utama: data kerjasama belum terhimpun sebagai *institutional knowledge*, dan monitoring triwulan belum dapat menunjukkan unit yang tertinggal dari rencana.""",
    "planning": """Biro Kerjasama Luar Negeri mendukung Program Dukungan Manajemen dan Pelaksanaan Teknis Lainnya dengan sasaran kegiatan *terselenggaranya koordinasi kerjasama dan kemitraan di bidang Pengawasan Obat dan Makanan*. Target kinerja periode {{ renstra.period }} tercantum pada tabel berikut.""",
    "agreement": """Perjanjian Kinerja tahun {{ year }} merupakan perjanjian Kepala Biro Kerjasama Luar Negeri dengan Sekretaris Utama, dengan target IKU {{ indicator.iku.target }} dan anggaran {{ pk.budget }}.[^Anggaran ini adalah anggaran yang tercantum dalam dokumen Perjanjian Kinerja yang ditandatangani (lampiran 3).]""",
    "achievement": """Capaian kinerja dihitung sebagai persentase realisasi terhadap target. Kriteria capaian ditetapkan sebagai data per tahun (tabel kriteria). Capaian IKU sebesar {{ indicator.iku.achievement_pct }} masuk kategori **{{ indicator.iku.category }}**. Sistem akuntabilitas ditandai nilai SAKIP {{ sakip.score }} ({{ sakip.grade }}) dari target {{ sakip.target }}, capaian {{ sakip.achievement_pct }}.""",
    "analysis": """Target IKU tahun {{ year }} adalah {{ indicator.iku.target }} pengembangan kerjasama. Realisasinya {{ developments.count }} kerjasama: gabungan (dengan *overlap*) dari {{ developments.with_position }} kerjasama dengan dokumen posisi dan {{ developments.with_participation }} kerjasama dengan partisipasi aktif dalam pertemuan internasional; {{ developments.both }} kerjasama memiliki keduanya. Daftarnya disajikan pada tabel berikut.""",
    "activities": """Hingga akhir tahun {{ year }}, Biro Kerjasama Luar Negeri melaksanakan {{ sub_activities.count }} sub kegiatan dalam {{ outputs.count }} keluaran; {{ sub_activities.output_met }} sub kegiatan mencapai target keluarannya.

Penerbitan *Drug and Food Control Newsletter* mencapai {{ sub.11.output_realized }} dari {{ sub.11.output_target }} edisi ({{ sub.11.output_pct }}) dengan serapan anggaran {{ sub.11.input_pct }}. Kendala penerbitan adalah keterlambatan masukan artikel dari unit kerja; rekomendasinya adalah jadwal pembahasan yang disepakati dan komitmen penanggung jawab kegiatan.

Keikutsertaan dalam pertemuan bilateral mencapai {{ sub.4.output_realized }} dari {{ sub.4.output_target }} perjalanan ({{ sub.4.output_pct }}), pertemuan regional {{ sub.9.output_realized }} dari {{ sub.9.output_target }} ({{ sub.9.output_pct }}), dan pertemuan organisasi internasional {{ sub.14.output_realized }} dari {{ sub.14.output_target }} ({{ sub.14.output_pct }}).""",
    "efficiency": """Indeks Efisiensi (IE) adalah % capaian output dibagi % capaian input; Standar Efisiensi (SE) yang digunakan adalah {{ efficiency.standard }}. Kegiatan efisien jika IE ≥ SE; Tingkat Efisiensi TE = (IE − SE) / SE.

Dari {{ sub_activities.count }} sub kegiatan, {{ sub_activities.efficient }} efisien dan {{ sub_activities.not_efficient }} tidak efisien. Tingkat efisiensi tertinggi {{ efficiency.max_level }} dicapai oleh sub kegiatan *{{ efficiency.max_level_sub }}*.""",
    "budget": """Realisasi anggaran tahun {{ year }} mencapai {{ budget.realized }} dari pagu {{ budget.ceiling }} atau {{ budget.absorption_pct }}; sisa anggaran {{ budget.unspent }}. Realisasi fisik dan keuangan per triwulan disajikan pada tabel dan grafik berikut.

Serapan anggaran belum optimal karena faktor internal (perencanaan, jumlah personil, pengelolaan uang persediaan) dan eksternal (undangan kegiatan yang bersamaan, pemotongan anggaran yang memerlukan revisi).""",
    "comparison": """Serapan anggaran tahun {{ year }} sebesar {{ budget.absorption_pct }} dibandingkan {{ budget.previous_absorption_pct }} pada tahun {{ previous_year }} (selisih {{ budget.absorption_change }} poin). Nilai SAKIP berubah {{ sakip.change }} poin dari tahun {{ previous_year }}.""",
    "conclusions": """Laporan Kinerja Biro Kerjasama Luar Negeri tahun {{ year }} menyajikan capaian kinerja tahun {{ year }}. Capaian IKU {{ indicator.iku.achievement_pct }} (kategori {{ indicator.iku.category }}), serapan anggaran {{ budget.absorption_pct }}, dan nilai SAKIP {{ sakip.score }} ({{ sakip.grade }}).

Keberhasilan kerjasama luar negeri sangat ditentukan oleh komitmen, keterlibatan dan dukungan aktif unit kerja teknis terkait.""",
    "next_steps": """1. Menyusun rencana pelaksanaan program dan kegiatan secara lebih cermat, dengan langkah percepatan pada awal tahun anggaran.
2. Memonitor dan mengevaluasi pelaksanaan kegiatan setiap triwulan per unit.
3. Menjadikan SAKIP ukuran kinerja yang nyata dan akuntabel.""",
}


@transaction.atomic
def load_narratives() -> dict[str, int]:
    from .models import Narrative
    from .services import narrative_save

    created = 0
    for key, text in NARRATIVES_2017.items():
        if not Narrative.objects.filter(year=2017, key=key).exists():
            narrative_save(actor=None, year=2017, key=key, text=text, expected_version=None, system=True)
            created += 1
    return {"narratives": created}


@transaction.atomic
def load_review() -> dict[str, int]:
    """The internal auditor's review of the 2017 LAKIP (the Inspektorat reviewed the report before it was issued),
    recorded by the head of bureau's login, so that the demo's 2017 LAKIP can be issued."""
    import datetime

    from mitra.core.models import User

    from .models import ReportReview
    from .services import report_review

    user = User.objects.filter(username="kepala.biro").first()
    if user is None or ReportReview.objects.filter(kind="lakip", year=2017).exists():
        return {"reviews": 0}
    report_review(
        actor=user,
        year=2017,
        reviewer="Inspektorat Utama Badan POM",
        reviewed_on=datetime.date(2018, 2, 12),
        statement=(
            "Laporan Kinerja Biro Kerjasama Luar Negeri tahun 2017 telah direviu oleh Inspektorat Utama Badan POM "
            "sesuai Peraturan Menteri PAN dan RB Nomor 53 Tahun 2014."
        ),
    )
    return {"reviews": 1}
