"""Phrase tables shared by every topic of the sample-corpus generator (``triage.sample``).

Templates use ``{a|b|c}`` for alternatives (one is picked at random, an empty one is
allowed) and upper-case slots filled from the complainant's place: ``{LOC}`` (a location
phrase), ``{JALAN}``, ``{KEL}``, ``{KEC}``, ``{TEMPAT}`` (a landmark) and ``{ANGKA}``.
Everything here was written for Triase; nothing is copied from real complaints.
"""

from __future__ import annotations

from dataclasses import dataclass

DSDABM = "Dinas Sumber Daya Air dan Bina Marga"
DISHUB = "Dinas Perhubungan"
DLH = "Dinas Lingkungan Hidup"
SATPOLPP = "Satuan Polisi Pamong Praja"
DISDUKCAPIL = "Dinas Kependudukan dan Pencatatan Sipil"
DINKES = "Dinas Kesehatan"
RSUD = "RSUD Kota Bandung"
DISDIK = "Dinas Pendidikan"
DINSOS = "Dinas Sosial"
DPMPTSP = "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu"
PDAM = "Perumda Air Minum Tirtawening"
DPKP = "Dinas Perumahan dan Kawasan Permukiman, Pertanahan dan Pertamanan"
DISKARPB = "Dinas Kebakaran dan Penanggulangan Bencana"
BPBD = "Badan Penanggulangan Bencana Daerah"
DISKOMINFO = "Dinas Komunikasi dan Informatika"
DCKBKTR = "Dinas Cipta Karya, Bina Konstruksi dan Tata Ruang"
DISKOPUKM = "Dinas Koperasi dan Usaha Kecil Menengah"
DISDAGIN = "Dinas Perdagangan dan Perindustrian"
DISNAKER = "Dinas Tenaga Kerja"


@dataclass(frozen=True)
class Route:
    """One agency a topic may go to, its share of the topic, and phrases that hint at it."""

    opd: str
    weight: float
    cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicSpec:
    """A complaint topic: its label, routing, season, and the phrases that describe it.

    ``problems`` state the complaint, ``details`` add a sentence in longer texts,
    ``mentions`` are the short forms used when the topic is the *second* problem of an
    ambiguous complaint, and ``vague`` ones hardly name the problem at all. A topic that is
    not ``place_bound`` (documents, benefits, clinics) takes the "service" generic phrases.
    """

    key: str
    label: str
    weight: float
    season: str
    routes: tuple[Route, ...]
    problems: tuple[str, ...]
    details: tuple[str, ...]
    requests: tuple[str, ...]
    titles: tuple[str, ...]
    mentions: tuple[str, ...]
    vague: tuple[str, ...] = ()
    emergency: bool = False
    area: bool = False
    place_bound: bool = True


# Approximate residents (thousands) per kecamatan: complaints scale with population.
POPULATION: dict[str, int] = {
    "Andir": 97, "Antapani": 75, "Arcamanik": 69, "Astanaanyar": 66, "Babakan Ciparay": 141,
    "Bandung Kidul": 58, "Bandung Kulon": 135, "Bandung Wetan": 28, "Batununggal": 116,
    "Bojongloa Kaler": 116, "Bojongloa Kidul": 86, "Buahbatu": 94, "Cibeunying Kaler": 69,
    "Cibeunying Kidul": 105, "Cibiru": 71, "Cicendo": 93, "Cidadap": 56, "Cinambo": 25,
    "Coblong": 110, "Gedebage": 40, "Kiaracondong": 127, "Lengkong": 68, "Mandalajati": 70,
    "Panyileukan": 40, "Rancasari": 77, "Regol": 79, "Sukajadi": 100, "Sukasari": 76,
    "Sumur Bandung": 33, "Ujungberung": 78,
}  # fmt: skip

# Low-lying kecamatan along the Citarum tributaries, where flood complaints concentrate.
FLOOD_PRONE: frozenset[str] = frozenset(
    {
        "Gedebage", "Rancasari", "Bojongloa Kidul", "Babakan Ciparay", "Bandung Kidul",
        "Kiaracondong", "Cibiru", "Panyileukan", "Bandung Kulon", "Buahbatu", "Cinambo",
    }
)  # fmt: skip

LANDMARKS: tuple[str, ...] = (
    "masjid", "Masjid Al-Ikhlas", "mushola", "SDN {ANGKA}", "SMPN {ANGKA}", "pasar",
    "Indomaret", "Alfamart", "puskesmas", "pos ronda", "kantor kelurahan", "lapangan voli",
    "warung Bu Eti", "SPBU", "halte", "perempatan", "pertigaan", "jembatan", "rel kereta",
    "gereja", "TK Pertiwi", "klinik", "bengkel", "gerbang komplek", "pangkalan ojek",
    "tukang bakso", "toko bangunan", "kampus", "taman", "posyandu", "balai RW",
    "apotek", "RM Padang", "gapura", "madrasah", "lapang bola", "tempat cuci motor",
)  # fmt: skip

KOMPLEK: tuple[str, ...] = (
    "Griya", "Permata", "Bumi Asri", "Taman Sari", "Puri", "Graha", "Pesona", "Villa",
)  # fmt: skip

GANG: tuple[str, ...] = (
    "Gg. Mawar", "Gg. Melati", "Gg. H. Sanusi", "Gg. Sukarasa", "Gg. Bakti", "Gg. Masjid",
    "Gg. Kencana", "Gg. Sadarmanah", "Gg. Eme", "Gg. Sekepondok", "Gg. Babakan", "Gg. Buntu",
    "Gg. Madrasah", "Gg. Rahayu", "Gg. Nangka", "Gg. Jambu", "Gg. Saleh", "Gg. Pa Ijan",
)  # fmt: skip

FIRST_NAMES: tuple[str, ...] = (
    "Asep", "Ujang", "Dadang", "Cecep", "Euis", "Neneng", "Rina", "Yuli", "Dedi", "Agus",
    "Budi", "Siti", "Dewi", "Iwan", "Rudi", "Wawan", "Yayat", "Enok", "Nining", "Tati",
    "Hendra", "Rizky", "Fajar", "Putri", "Nurul", "Aldi", "Ilham", "Dini", "Lina", "Teguh",
    "Asri", "Dian", "Eka", "Gilang", "Hilman", "Irma", "Jajang", "Kurnia", "Lilis", "Maman",
    "Nanang", "Oman", "Popon", "Rahmat", "Sri", "Tono", "Ucup", "Vina", "Wulan", "Yudi",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Suryana", "Permana", "Hidayat", "Kusnadi", "Rahayu", "Nugraha", "Sopandi", "Setiawan",
    "Gunawan", "Hermawan", "Sulaeman", "Mulyana", "Supriatna", "Maulana", "Kurniawan",
    "Lestari", "Wijaya", "Saputra", "Ramdani", "Firmansyah", "Sumarna", "Kartika", "",
)  # fmt: skip

EMAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "gmail.com", "gmail.com", "yahoo.co.id", "yahoo.com", "ymail.com",
    "outlook.com", "hotmail.com",
)  # fmt: skip

GREETINGS: dict[str, tuple[str, ...]] = {
    "pagi": ("Selamat pagi", "Pagi", "Wilujeng enjing"),
    "siang": ("Selamat siang", "Siang"),
    "sore": ("Selamat sore", "Sore"),
    "malam": ("Selamat malam", "Malam"),
}

OPENERS: dict[str, tuple[str, ...]] = {
    "formal": (
        "Yth. {PIHAK},\n\nDengan hormat,",
        "Kepada Yth. {PIHAK}\ndi tempat\n\nDengan hormat,",
        "Assalamualaikum Wr. Wb.\n\nYth. {PIHAK},",
        "Dengan hormat,",
        "Yth. {PIHAK},",
        "Assalamualaikum warahmatullahi wabarakatuh.",
        "Kepada Yth. Bapak Wali Kota Bandung\n"
        "c.q. Kepala {Dinas|Perangkat Daerah} terkait\ndi Bandung\n\nDengan hormat,",
    ),
    "semi": (
        "{SALAM}, {saya|} {ingin|mau|izin} {melaporkan|menyampaikan|mengadukan}",
        "{SALAM} {admin|min|Bapak/Ibu}, {saya|} mau {lapor|melaporkan}",
        "Permisi, {saya|} {ingin|mau} menyampaikan keluhan.",
        "Assalamualaikum, {mohon izin|izin} {melapor|menyampaikan laporan}.",
        "{SALAM}.",
        "Punten, {abdi|saya} bade lapor.",
        "Mohon maaf mengganggu waktunya.",
        "",
    ),
    "chat": (
        "min", "min,", "Min {mau|izin} lapor", "halo min", "P", "punten min", "lapor min!",
        "{SALAM} min", "pak/bu tolong", "admin", "kak min", "", "", "",
        "assalamualaikum min", "permisi min mau nanya sekalian lapor",
    ),
    "operator": (
        "Laporan masuk via call center 112.",
        "Pelapor {menghubungi|menelepon} 112 {pukul {JAM}|}.",
        "Diterima laporan dari warga melalui 112.",
        "Info dari pelapor:",
        "",
    ),
}  # fmt: skip

PIHAK: tuple[str, ...] = (
    "Admin LAPOR!", "Bapak/Ibu Pimpinan", "Pemerintah Kota Bandung", "Bapak Wali Kota Bandung",
    "Admin Pengaduan", "Bapak/Ibu Petugas", "Tim Sapa Warga", "Bapak/Ibu Admin",
)  # fmt: skip

INTROS: tuple[str, ...] = (
    "Saya {NAMA}, warga {KEL}{, {RT}|}.",
    "Perkenalkan, saya {NAMA}, {warga|penduduk} Kelurahan {KEL} Kecamatan {KEC}.",
    "Saya yang bertanda tangan di bawah ini, {NAMA}, {NIK_OPT}warga {KEL}.",
    "Nama saya {NAMA}, {ketua|pengurus|warga} {RT} {KEL}.",
    "Saya {NAMA} ({NIK_OPT}warga {KEC}).",
)  # fmt: skip

FRAMES: dict[str, tuple[str, ...]] = {
    "formal": (
        "Bersama ini saya ingin menyampaikan bahwa {P}.",
        "Melalui surat ini kami warga {KEL} melaporkan bahwa {P}.",
        "Dengan ini saya sampaikan pengaduan terkait kondisi di lingkungan kami, yaitu {P}.",
        "Saya bermaksud menyampaikan keluhan bahwa {P}.",
        "Perkenankan kami menyampaikan bahwa {P}.",
    ),
    "semi": (
        "{P}.", "{P}.", "Mau lapor, {P}.", "Mohon perhatiannya, {P}.",
        "Saya mau menyampaikan kalau {P}.", "Sekedar info, {P}.", "Ini {P}.",
        "Kami warga {KEL} mengeluhkan {P}.", "Laporan: {P}.",
    ),
    "chat": ("{P}", "{P}", "{P}", "ini {P}", "mau lapor {P}", "{P} nih", "info {P}"),
    "operator": (
        "Pelapor menginformasikan {P}.", "Pelapor a.n. {NAMA} melaporkan {P}.",
        "Warga melaporkan {P}.", "Dilaporkan {P}.", "Pelapor ({TELP}) menyampaikan {P}.",
    ),
}  # fmt: skip

DURATIONS: tuple[str, ...] = (
    "sudah {ANGKA} hari", "sejak {ANGKA} hari yang lalu", "dari kemarin", "sejak minggu lalu",
    "sudah hampir {ANGKA} minggu", "sudah berbulan-bulan", "dari tadi pagi", "sejak semalam",
    "sudah lebih dari sebulan", "sejak awal bulan", "udah lama banget", "dari tahun lalu",
    "sejak hari Senin", "sudah {ANGKA} minggu lebih", "baru tadi siang",
)  # fmt: skip

ACUTE_DURATIONS: tuple[str, ...] = (
    "sejak {ANGKA}0 menit yang lalu", "baru saja", "sejak tadi", "sekitar {ANGKA} jam yang lalu",
    "dari subuh tadi", "sejak hujan sore tadi", "kurang lebih setengah jam",
)  # fmt: skip

DURATION_FRAMES: tuple[str, ...] = (
    "Kejadian ini {D}.", "Kondisinya begini {D}.", "Ini {D} {belum|tidak} ada perubahan.",
    "Terjadinya {D}.", "{D} seperti ini.", "Masalahnya {D} dan belum beres.",
    "Keadaan seperti ini {D}.",
)  # fmt: skip

# Generic sentences come in two kinds: about a place (a road, a drain, a neighbourhood)
# and about a service (a document, a benefit, a clinic), so that they fit the problem.
IMPACTS: dict[str, tuple[str, ...]] = {
    "place": (
        "Warga sangat terganggu.", "Sangat mengganggu aktivitas warga sekitar.",
        "Anak-anak jadi takut lewat.", "Kami khawatir ada korban.", "Kasihan para lansia.",
        "Banyak warga yang mengeluh.", "Sudah ada yang celaka gara-gara ini.",
        "Kami merasa tidak diperhatikan.", "Ini sudah sangat meresahkan.",
        "Warung-warung jadi sepi pembeli.", "Kegiatan warga jadi terhambat.",
        "Anak sekolah terpaksa memutar jauh.", "Warga yang bekerja jadi sering terlambat.",
    ),
    "service": (
        "Saya jadi harus bolak-balik dan izin tidak masuk kerja.", "Kami merasa dipersulit.",
        "Banyak warga lain yang mengalami hal serupa.", "Kasihan warga yang sudah lansia.",
        "Ini sangat merugikan kami sebagai warga kecil.", "Ongkos dan waktu kami habis di jalan.",
        "Kami merasa tidak diperhatikan.", "Pelayanan seperti ini mencoreng nama pemkot.",
    ),
}  # fmt: skip

EARLIER_REPORTS: dict[str, tuple[str, ...]] = {
    "place": (
        "Sudah dilaporkan ke RT/RW tapi belum ada tindak lanjut.",
        "Saya sudah pernah lapor lewat aplikasi tapi tidak ada respon.",
        "Laporan sebelumnya katanya sudah diteruskan, tapi sampai sekarang belum ada kabar.",
        "Sudah {ANGKA} kali lapor, statusnya selalu 'dalam proses'.",
        "Pihak kelurahan bilang itu kewenangan dinas.",
        "Sempat ada petugas yang datang mengecek tapi tidak kembali lagi.",
        "Warga sudah swadaya seadanya tapi tidak cukup.",
    ),
    "service": (
        "Saya sudah datang langsung ke kantornya {ANGKA} kali.",
        "Saya sudah pernah lapor lewat aplikasi tapi tidak ada respon.",
        "Sudah tanya lewat DM Instagram tapi tidak dibalas.",
        "Call center-nya tidak pernah diangkat.",
        "Sudah {ANGKA} kali lapor, statusnya selalu 'dalam proses'.",
        "Petugasnya bilang itu bukan bagian mereka dan menyuruh ke kantor lain.",
    ),
}  # fmt: skip

ELABORATIONS: dict[str, tuple[str, ...]] = {
    "place": (
        "Saya sudah tinggal di sini {ANGKA}0 tahun dan baru kali ini separah ini.",
        "Foto dan video kondisi di lapangan sudah saya lampirkan.",
        "Kami tidak ingin menunggu sampai ada korban dulu baru ditangani.",
        "Tetangga-tetangga juga sudah sepakat untuk melaporkan hal ini bersama-sama.",
        "Sebenarnya warga sudah berusaha mengatasi sendiri, tetapi di luar kemampuan kami.",
        "Kami siap membantu petugas kalau dibutuhkan, misalnya menunjukkan lokasi persisnya.",
        "Lokasinya mudah ditemukan, patokannya dekat {TEMPAT}.",
        "Bulan lalu sempat ada perbaikan, tapi hanya tambal sulam dan kembali seperti semula.",
    ),
    "service": (
        "Semua persyaratan sudah saya lengkapi sesuai prosedur.",
        "Nomor registrasi dan bukti pengajuan ada pada saya kalau dibutuhkan.",
        "Saya tidak tahu lagi harus bertanya ke mana.",
        "Informasi di website dan di loket pelayanan berbeda-beda.",
        "Tetangga saya yang mengurus belakangan malah sudah selesai duluan.",
    ),
    "both": (
        "Kami berharap pemerintah kota benar-benar hadir untuk warganya.",
        "Mohon maaf kalau bahasa saya kurang berkenan, tapi kami sudah sangat kesal.",
        "Sebagai warga yang taat membayar pajak, kami berhak mendapat pelayanan yang layak.",
        "Di media sosial pun hal ini sudah sempat viral.",
    ),
}  # fmt: skip

REQUESTS: dict[str, tuple[str, ...]] = {
    "place": (
        "Mohon segera ditindaklanjuti.", "Mohon dicek ke lokasi.", "Tolong segera ditangani.",
        "Mohon bantuannya.", "Mohon perhatian dari dinas terkait.",
        "Kami tunggu tindak lanjutnya.", "Mohon ditindaklanjuti secepatnya sebelum ada korban.",
        "Tolong dibantu ya.", "Mohon arahannya harus lapor ke mana.", "Kapan bisa ditangani?",
    ),
    "service": (
        "Mohon kejelasannya.", "Mohon dibantu.", "Mohon segera ditindaklanjuti.",
        "Mohon evaluasi pelayanannya.", "Mohon informasinya.", "Kapan bisa selesai?",
        "Mohon perhatian dari dinas terkait.", "Kami tunggu tindak lanjutnya.",
        "Mohon arahannya harus ke mana.",
    ),
}  # fmt: skip

CLOSERS: dict[str, tuple[str, ...]] = {
    "formal": (
        "Atas perhatian dan kerja samanya kami ucapkan terima kasih.",
        "Demikian pengaduan ini saya sampaikan. Terima kasih.",
        "Atas perhatian Bapak/Ibu, saya ucapkan terima kasih.\n\nWassalamualaikum Wr. Wb.",
        "Demikian, terima kasih.\n\nHormat saya,\n{NAMA}",
        "Terima kasih atas perhatiannya.",
    ),
    "semi": ("Terima kasih.", "Terima kasih 🙏", "Hatur nuhun.", "Makasih.", "Nuhun.", "", ""),
    "chat": ("makasih min", "nuhun", "hatur nuhun", "thx", "🙏", "🙏🙏", "", "", "", "tengkyu"),
    "operator": (
        "Unit sudah diinformasikan.", "Diteruskan ke unit terkait.", "Pelapor menunggu di lokasi.",
        "", "",
    ),
}  # fmt: skip

CONTACTS: tuple[str, ...] = (
    "Bisa hubungi saya di {TELP}.", "No. HP: {TELP}", "Kontak: {TELP}", "WA {TELP}",
    "Email saya {EMAIL}, HP {TELP}.", "Balasan bisa dikirim ke {EMAIL}.", "CP: {TELP} ({NAMA})",
)  # fmt: skip

SECONDARY: tuple[str, ...] = (
    "Selain itu, {M}.", "Sekalian mau lapor juga, {M}.", "Oh iya, {M}.", "Satu lagi, {M}.",
    "Ditambah lagi {M}.", "Belum lagi {M}.", "Btw {M}.",
)  # fmt: skip

VAGUE: tuple[str, ...] = (
    "mohon dicek kondisi {LOC}", "ada masalah di lingkungan kami {LOC}",
    "tolong diperhatikan daerah {KEL}", "kondisinya makin parah {LOC}",
    "sudah lama dibiarkan begitu saja {LOC}", "ada yang perlu diperbaiki {LOC}",
)  # fmt: skip

# What people say about the incident behind an injected spike, keyed by topic.
SPIKE_NOTES: dict[str, tuple[str, ...]] = {
    "banjir": (
        "Katanya tanggul sungai jebol.", "Ini banjir terparah dalam beberapa tahun terakhir.",
        "Sudah {ANGKA} hari berturut-turut hujan deras dan air tidak surut.",
        "Satu kampung terendam semua.", "Warga {KEC} banyak yang mengungsi.",
    ),
    "pdam": (
        "Katanya ada perbaikan pipa induk tapi tidak ada pemberitahuan.",
        "Katanya se-Bandung air mati semua.", "Di grup WA warga semua mengeluh air mati.",
        "Mobil tangki air tidak kunjung datang.",
    ),
    "sampah": (
        "Katanya TPA sedang ditutup.", "Truk sampah sudah seminggu tidak datang.",
        "Kabarnya petugas kebersihan sedang mogok.", "Sampah di mana-mana sudah menggunung.",
    ),
    "pohon": (
        "Semalam ada angin puting beliung.",
        "Hujan angin kemarin sore merobohkan banyak pohon di sini.",
    ),
    "dbd": (
        "Di RW kami sudah {ANGKA} anak dirawat.", "Katanya kasus DBD di sini sedang naik tajam.",
    ),
    "kemacetan": (
        "Sejak ada proyek galian, jalan jadi satu lajur.",
        "Ada penutupan jalan karena proyek dan pengalihan arusnya membingungkan.",
    ),
}  # fmt: skip

# Informal rewrites applied word by word to "chat" texts (and lightly to "semi" ones).
SLANG: dict[str, tuple[str, ...]] = {
    "tidak": ("gak", "ga", "nggak", "tdk", "gk", "teu"), "sudah": ("udh", "udah", "sdh", "dah"),
    "yang": ("yg",), "dengan": ("dgn", "sama"), "jalan": ("jln", "jl", "jalan"),
    "tolong": ("tlg", "tolongin", "please"), "karena": ("krn", "karna", "soalnya"),
    "belum": ("blm", "belom"), "saya": ("sy", "aku", "abdi"), "bagaimana": ("gimana", "gmn"),
    "kapan": ("kpn",), "terima kasih": ("makasih", "trims", "thx"), "untuk": ("utk", "buat"),
    "juga": ("jg",), "tapi": ("tp",), "banyak": ("byk", "banyak"), "sekarang": ("skrg",),
    "lagi": ("lg",), "saja": ("aja",), "bisa": ("bs", "bisa"), "dari": ("dr",),
    "kalau": ("kalo", "klo"), "sampai": ("sampe", "smp"), "seperti": ("kayak", "kyk"),
    "rumah": ("rmh",), "mohon": ("tolong", "mohon", "please"),
    "segera": ("cepet", "asap", "segera"),
    "sangat": ("bener2", "parah", "sangat"), "sekali": ("bgt", "banget", "pisan"),
    "bapak": ("pak",), "ibu": ("bu",), "apakah": ("apa",), "minggu": ("mgg", "minggu"),
    "hari": ("hr", "hari"), "petugas": ("petugas", "ptgs"), "warga": ("warga", "wrg"),
    "ada": ("ada",), "kami": ("kita", "kami"), "sudah lama": ("udh lama", "dah lama"),
}  # fmt: skip

ELONGATE: tuple[str, ...] = (
    "parah", "tolong", "please", "lama", "bau", "macet", "gelap", "banget", "min", "pak",
    "kotor", "bahaya", "pisan", "aja", "deh", "dong", "plis",
)  # fmt: skip

INTERJECTIONS: tuple[str, ...] = (
    "urgent!!", "please", "viral nih", "parah euy", "kumaha ieu", "aduh", "hadeuh",
    "sumpah parah", "ya ampun", "duh gusti", "asli", "plis", "help", "hayu atuh",
)  # fmt: skip

EMOJI: tuple[str, ...] = (
    "🙏", "😡", "😭", "😤", "🤦", "⚠️", "🚧", "🙏🙏", "😢", "👍", "‼️", "😩", "🥲",
)  # fmt: skip
