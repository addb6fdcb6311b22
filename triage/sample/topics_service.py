"""Sample-corpus topics about public services, public order and the area offices.

Template syntax is described in ``triage.sample.vocab``. Topics with ``area=True`` are
routed to the complainant's own kecamatan or kelurahan office by the generator.
"""

from __future__ import annotations

from triage.sample.vocab import (
    DCKBKTR,
    DINKES,
    DINSOS,
    DISDAGIN,
    DISDIK,
    DISDUKCAPIL,
    DISKOMINFO,
    DISKOPUKM,
    DISNAKER,
    DLH,
    DPKP,
    DPMPTSP,
    RSUD,
    SATPOLPP,
    Route,
    TopicSpec,
)

SERVICE_TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(
        key="adminduk",
        place_bound=False,
        label="KTP-el, KK dan Akta",
        weight=5.0,
        season="flat",
        routes=(Route(DISDUKCAPIL, 1.0),),
        problems=(
            "{KTP-el|e-KTP|KTP} saya {belum jadi|belum dicetak|tidak kunjung jadi} {sejak "
            "rekam|padahal sudah rekam} {ANGKA} bulan lalu",
            "{pengurusan|pembuatan} {KK|kartu keluarga|akta kelahiran|akta kematian} {lama "
            "sekali|dipersulit|tidak ada kejelasan}",
            "{blanko KTP|blangko} {kosong|habis} terus di {kecamatan|Disdukcapil}",
            "data {NIK|kependudukan} saya {tidak terdaftar|ganda|tidak sinkron} sehingga tidak "
            "bisa {daftar BPJS|buka rekening|daftar sekolah}",
            "{antrean|antrian} di {Disdukcapil|kantor dukcapil} {panjang sekali|sampai sore} dan "
            "{sistemnya offline|kuota habis}",
            "{aplikasi|website} {pengajuan|permohonan} {pindah domisili|KIA|akta} {error|tidak "
            "bisa login|gagal terus}",
        ),
        details=(
            "Saya sudah bolak-balik {ANGKA} kali.",
            "Petugas hanya bilang disuruh menunggu.",
            "Padahal dokumen itu dibutuhkan untuk melamar kerja.",
        ),
        requests=("Mohon kejelasannya.", "Mohon dibantu prosesnya.", "Kapan bisa diambil?"),
        titles=("KTP belum jadi", "Pengurusan KK", "Akta kelahiran", "Layanan Dukcapil"),
        mentions=("KTP saya juga belum jadi", "urus KK juga susah"),
        vague=("urus dokumen {di kecamatan|di dinas} kok lama banget",),
    ),
    TopicSpec(
        key="puskesmas",
        place_bound=False,
        label="Layanan Puskesmas",
        weight=3.0,
        season="flat",
        routes=(Route(DINKES, 1.0),),
        problems=(
            "pelayanan {puskesmas|pustu} {LOC} {lambat|kurang ramah|buka terlambat}",
            "{dokter|bidan|petugas} di puskesmas {LOC} {tidak ada di tempat|jutek|marah-marah}",
            "{obat|vaksin|imunisasi} di puskesmas {LOC} {kosong|habis} {terus|sudah lama}",
            "antrean {berobat|pendaftaran} puskesmas {LOC} {mengular|dari subuh}",
            "pasien {BPJS|KIS} di puskesmas {LOC} {dinomorduakan|disuruh bayar}",
        ),
        details=(
            "Ibu saya yang sudah lansia harus menunggu {ANGKA} jam.",
            "Ruang tunggunya sempit dan panas.",
        ),
        requests=("Mohon dievaluasi pelayanannya.", "Mohon ditambah tenaga kesehatan."),
        titles=("Pelayanan puskesmas", "Puskesmas {KEL}", "Obat kosong"),
        mentions=("puskesmasnya juga pelayanannya lambat",),
    ),
    TopicSpec(
        key="rumah_sakit",
        place_bound=False,
        label="Layanan Rumah Sakit dan BPJS",
        weight=1.8,
        season="flat",
        routes=(
            Route(RSUD, 0.6, ("di RSUD Kota Bandung", "di IGD RSUD")),
            Route(DINKES, 0.4, ("rumah sakit swasta mitra BPJS",)),
        ),
        problems=(
            "pasien {BPJS|KIS|PBI} ditolak {rumah sakit|IGD} dengan alasan {kamar penuh|tidak "
            "gawat}",
            "{pelayanan|antrean} {IGD|poli} rumah sakit {sangat lambat|tidak manusiawi}",
            "keluarga saya {disuruh bayar|diminta deposit} padahal {peserta BPJS|pakai KIS}",
            "{ambulans|rujukan} untuk pasien {kritis|darurat} {lama sekali|tidak tersedia}",
        ),
        details=(
            "Pasien akhirnya dibawa ke rumah sakit lain.",
            "Kami menunggu di lorong IGD lebih dari {ANGKA} jam.",
            "Petugas administrasinya tidak bisa menjelaskan alasannya.",
        ),
        requests=("Mohon ditegur pihak rumah sakitnya.", "Mohon penjelasan hak pasien BPJS."),
        titles=("Pasien BPJS ditolak", "Pelayanan rumah sakit", "IGD"),
        mentions=("pelayanan rumah sakit juga buruk",),
    ),
    TopicSpec(
        key="dbd",
        label="DBD dan Fogging",
        weight=1.6,
        season="dengue",
        routes=(
            Route(DINKES, 0.9, ("perlu penyelidikan epidemiologi dari puskesmas",)),
            Route(DLH, 0.1, ("banyak genangan dan sampah kaleng jadi sarang nyamuk",)),
        ),
        problems=(
            "{banyak|ada {ANGKA}} warga {LOC} {kena DBD|terkena demam berdarah|dirawat karena DBD}",
            "{nyamuk|jentik} {LOC} {banyak sekali|di mana-mana} dan belum ada {fogging|pengasapan}",
            "minta {fogging|pengasapan} {LOC} karena {ada kasus DBD|anak tetangga kena DBD}",
            "{abate|bubuk abate} tidak pernah dibagikan lagi {LOC}",
        ),
        details=(
            "Salah satu anak sampai dirawat di rumah sakit.",
            "Banyak genangan di kaleng dan ban bekas di sekitar rumah warga.",
            "Kader jumantik sudah lama tidak keliling.",
        ),
        requests=("Mohon segera fogging.", "Mohon ada penyuluhan PSN."),
        titles=("Fogging", "Kasus DBD {KEL}", "Demam berdarah"),
        mentions=("nyamuknya juga banyak banget",),
    ),
    TopicSpec(
        key="ppdb",
        place_bound=False,
        label="PPDB dan Zonasi",
        weight=2.4,
        season="school",
        routes=(Route(DISDIK, 1.0),),
        problems=(
            "{PPDB|pendaftaran sekolah} {anak saya|online} {gagal|bermasalah|tidak lolos} padahal "
            "rumah dekat sekolah",
            "sistem {zonasi|PPDB} {tidak adil|tidak transparan} karena ada {titip KK|numpang KK}",
            "{website|situs} PPDB {error|down|tidak bisa diakses} {sejak pagi|saat pendaftaran}",
            "jarak {rumah|domisili} di PPDB {salah hitung|tidak sesuai} sehingga anak "
            "{tergeser|tidak diterima}",
            "{kuota|jalur} {afirmasi|KETM|zonasi} {SMPN {ANGKA}|SDN {ANGKA}} {penuh|tidak jelas}",
        ),
        details=("Anak saya jadi terancam tidak sekolah.", "Kami keluarga tidak mampu."),
        requests=("Mohon diverifikasi ulang.", "Mohon transparansi hasil seleksi."),
        titles=("PPDB", "Zonasi PPDB", "Pendaftaran sekolah"),
        mentions=("pendaftaran sekolah anak juga bermasalah",),
    ),
    TopicSpec(
        key="sekolah",
        place_bound=False,
        label="Layanan Sekolah dan Pungutan",
        weight=1.8,
        season="flat",
        routes=(Route(DISDIK, 1.0),),
        problems=(
            "{sekolah|SDN {ANGKA}|SMPN {ANGKA}} {LOC} {meminta pungutan|menarik iuran} {untuk "
            "seragam|untuk study tour|perpisahan}",
            "{ijazah|rapor} anak saya {ditahan|tidak diberikan} karena {tunggakan|belum lunas}",
            "{gedung|atap kelas|toilet} {SDN {ANGKA}|sekolah} {LOC} {rusak|bocor|hampir ambruk}",
            "guru {honorer|di sekolah} {LOC} {sering tidak masuk|bersikap kasar pada murid}",
            "ada {perundungan|bullying} di sekolah {LOC} dan sekolah tidak menindak",
        ),
        details=(
            "Orang tua murid keberatan tapi takut bicara.",
            "Nominalnya Rp{ANGKA}00.000 per siswa dan tidak ada rinciannya.",
            "Kami khawatir anak kami dipersulit kalau protes.",
        ),
        requests=("Mohon ditindak tegas.", "Mohon diperiksa pihak sekolahnya."),
        titles=("Pungutan sekolah", "Ijazah ditahan", "Sekolah rusak"),
        mentions=("di sekolah juga ada pungutan",),
    ),
    TopicSpec(
        key="bansos",
        place_bound=False,
        label="Bantuan Sosial",
        weight=4.0,
        season="lebaran",
        routes=(Route(DINSOS, 1.0),),
        problems=(
            "{bansos|BPNT|PKH|bantuan sembako} {tidak tepat sasaran|salah sasaran} {LOC}",
            "keluarga saya {tidak mampu|miskin} tapi {tidak terdaftar di DTKS|tidak dapat bantuan}",
            "{bantuan|BLT|PKH} {sudah {ANGKA} bulan|tahun ini} tidak cair padahal terdaftar",
            "{penerima bansos|yang dapat bantuan} {LOC} justru {orang mampu|punya mobil}",
            "{beras|paket sembako} bantuan {dipotong|dikurangi} oleh {oknum|pengurus}",
            "{KIS|PBI} saya {dinonaktifkan|dicoret} tanpa pemberitahuan",
        ),
        details=(
            "Suami saya sudah tidak bekerja sejak {ANGKA} bulan.",
            "Kami tinggal mengontrak dan punya {ANGKA} anak.",
        ),
        requests=(
            "Mohon didata ulang.",
            "Mohon dicek data DTKS saya.",
            "Mohon bantuan untuk keluarga kami.",
        ),
        titles=("Bansos tidak tepat sasaran", "Bantuan tidak cair", "DTKS", "Bansos"),
        mentions=("bansosnya juga tidak merata",),
        vague=("kami {warga|keluarga} kecil tidak pernah diperhatikan",),
    ),
    TopicSpec(
        key="pmks",
        label="Gelandangan, Pengemis dan ODGJ",
        weight=1.8,
        season="ramadan",
        routes=(
            Route(DINSOS, 0.7, ("perlu dibawa ke panti rehabilitasi sosial",)),
            Route(
                SATPOLPP, 0.3, ("perlu dijangkau tim penertiban", "mereka mengganggu pengendara")
            ),
        ),
        problems=(
            "{banyak|ada} {pengemis|manusia silver|anak jalanan|gelandangan} di {lampu "
            "merah|perempatan} {LOC}",
            "ada {ODGJ|orang dengan gangguan jiwa} {berkeliaran|mengamuk|tidur di emperan} {LOC}",
            "{pengamen|badut jalanan} {LOC} {memaksa|mengetuk kaca mobil} minta uang",
            "{lansia|nenek} {terlantar|tidur di jalan} {LOC} tanpa keluarga",
        ),
        details=(
            "Warga khawatir dengan keselamatan anak-anak.",
            "Setiap hari mereka ada di sana dari pagi sampai malam.",
            "Sepertinya ada yang mengkoordinir mereka.",
        ),
        requests=("Mohon dijangkau dan dibina.", "Mohon ditangani dinas terkait."),
        titles=("Pengemis", "ODGJ berkeliaran", "Anak jalanan"),
        mentions=("ada pengemis juga di perempatan",),
    ),
    TopicSpec(
        key="pkl",
        label="Pedagang Kaki Lima",
        weight=3.4,
        season="ramadan",
        routes=(
            Route(SATPOLPP, 0.72, ("perlu penertiban rutin, bukan cuma sesekali",)),
            Route(
                DISKOPUKM,
                0.18,
                (
                    "sebaiknya pedagang direlokasi ke tempat yang layak",
                    "pedagangnya perlu dibina dan diberi lapak",
                ),
            ),
            Route(DISDAGIN, 0.10, ("pasar tumpahnya meluber dari pasar tradisional",)),
        ),
        problems=(
            "{PKL|pedagang kaki lima|pedagang} {berjualan|mangkal} di {trotoar|badan jalan} {LOC}",
            "{lapak|tenda} {PKL|pedagang} {LOC} {menutupi|makan} {trotoar|setengah jalan}",
            "{pedagang takjil|PKL|pasar tumpah} {LOC} bikin {jalan sempit|pejalan kaki turun ke "
            "jalan}",
            "{PKL|pedagang} {LOC} {buang sampah|buang limbah minyak} sembarangan dan tidak "
            "ditertibkan",
            "{gerobak|lapak} {PKL|dagang} ditinggal di {trotoar|pinggir jalan} {LOC} sampai malam",
        ),
        details=(
            "Setelah ditertibkan besoknya muncul lagi.",
            "Pejalan kaki terpaksa berjalan di badan jalan.",
            "Sampah sisa dagangan ditinggal begitu saja.",
        ),
        requests=("Mohon ditertibkan.", "Mohon penataan PKL."),
        titles=("PKL di trotoar", "Penertiban PKL", "Pedagang liar {JALAN}"),
        mentions=("PKL juga memenuhi trotoar", "pedagang juga jualan di jalan"),
    ),
    TopicSpec(
        key="pasar",
        place_bound=False,
        label="Pasar dan Harga Bahan Pokok",
        weight=1.2,
        season="lebaran",
        routes=(Route(DISDAGIN, 0.85), Route(DISKOPUKM, 0.15, ("pelaku UMKM di pasar",))),
        problems=(
            "harga {minyak goreng|beras|cabai|telur} di pasar {LOC} {naik tinggi|tidak wajar}",
            "{timbangan|takaran} pedagang di pasar {LOC} {tidak sesuai|dicurangi}",
            "{gas elpiji 3 kg|minyak goreng} {langka|kosong} di {warung|pangkalan} {LOC}",
            "kondisi pasar {LOC} {becek|atapnya bocor|kumuh} dan {bau|tidak terawat}",
        ),
        details=(
            "Warga kecil sangat terbebani.",
            "Pedagang bilang pasokan dari distributor berkurang.",
            "Antrean pembeli sampai ke luar warung.",
        ),
        requests=("Mohon dilakukan operasi pasar.", "Mohon diawasi."),
        titles=("Harga naik", "Gas elpiji langka", "Kondisi pasar"),
        mentions=("harga di pasar juga naik",),
    ),
    TopicSpec(
        key="kebisingan",
        label="Kebisingan dan Gangguan Ketertiban",
        weight=2.2,
        season="flat",
        routes=(
            Route(SATPOLPP, 0.82, ("perlu teguran dan penertiban tempat usahanya",)),
            Route(DLH, 0.18, ("kebisingannya melewati baku mutu", "getaran mesin sampai ke rumah")),
        ),
        problems=(
            "{suara|musik} {kafe|tempat karaoke|hajatan|bengkel} {LOC} {bising|keras sekali} "
            "sampai {tengah malam|subuh}",
            "{balap liar|knalpot brong|geng motor} {LOC} {tiap malam|setiap malam minggu}",
            "{pesta miras|mabuk-mabukan|nongkrong sampai pagi} {LOC} meresahkan warga",
            "{mesin|genset|pabrik} {LOC} {berisik|bergetar} {siang malam|24 jam}",
            "{proyek|bangunan} {LOC} {bekerja|ngecor} sampai {larut malam|jam 2 pagi} dan bising",
        ),
        details=("Bayi dan lansia tidak bisa tidur.", "Sudah ditegur warga tapi tidak digubris."),
        requests=("Mohon ditertibkan.", "Mohon ada patroli malam."),
        titles=("Kebisingan", "Balap liar", "Gangguan ketertiban"),
        mentions=("suaranya juga bising sampai malam",),
    ),
    TopicSpec(
        key="bangunan",
        label="Bangunan Tanpa Izin dan Tata Ruang",
        weight=2.0,
        season="flat",
        routes=(
            Route(
                DCKBKTR, 0.55, ("bangunannya melanggar garis sempadan", "tidak sesuai tata ruang")
            ),
            Route(SATPOLPP, 0.3, ("perlu penyegelan bangunan",)),
            Route(DPMPTSP, 0.15, ("apakah sudah punya PBG?",)),
        ),
        problems=(
            "ada bangunan {liar|tanpa izin|tidak ber-PBG} {LOC}",
            "{bangunan|ruko|kos-kosan} {LOC} {dibangun di atas saluran|menutup saluran|melewati "
            "batas}",
            "{tower|menara} {LOC} {berdiri|dibangun} tanpa sosialisasi ke warga",
            "{bangunan|rumah} {LOC} {dibangun sampai bahu jalan|mepet sungai} tidak sesuai aturan",
        ),
        details=(
            "Warga sekitar tidak pernah dimintai persetujuan.",
            "Pembangunannya dikerjakan siang malam tanpa papan proyek.",
            "Saluran air di depannya jadi tertutup.",
        ),
        requests=("Mohon dicek perizinannya.", "Mohon ditindak sesuai aturan."),
        titles=("Bangunan liar", "Bangunan tanpa izin {JALAN}"),
        mentions=("ada bangunan liar juga di sana",),
    ),
    TopicSpec(
        key="perizinan",
        place_bound=False,
        label="Perizinan dan Pelayanan Terpadu",
        weight=1.8,
        season="flat",
        routes=(
            Route(DPMPTSP, 0.8, ("lewat Mal Pelayanan Publik", "melalui OSS")),
            Route(DCKBKTR, 0.2, ("persetujuan teknis bangunan", "KRK dan advice planning")),
        ),
        problems=(
            "pengurusan {PBG|izin bangunan|IMB|izin usaha} {lama sekali|tidak ada "
            "kejelasan|dipingpong}",
            "{aplikasi|sistem} {perizinan|SIMBG|OSS} {error|tidak bisa upload dokumen}",
            "ada {calo|oknum} yang minta {uang pelicin|biaya tambahan} untuk {izin|PBG}",
            "{NIB|izin usaha mikro} saya {tidak terbit|ditolak} tanpa {alasan|penjelasan}",
        ),
        details=(
            "Sudah {ANGKA} bulan berkas saya tidak diproses.",
            "Statusnya di aplikasi tidak berubah dari 'verifikasi'.",
            "Saya diminta melengkapi berkas yang sudah saya serahkan.",
        ),
        requests=("Mohon percepatan prosesnya.", "Mohon informasi syaratnya."),
        titles=("Izin PBG", "Perizinan lama", "Izin usaha"),
        mentions=("izin usaha juga belum keluar",),
    ),
    TopicSpec(
        key="rutilahu",
        label="Rumah Tidak Layak Huni",
        weight=1.2,
        season="rain",
        routes=(Route(DPKP, 0.8), Route(DINSOS, 0.2, ("penghuninya lansia sebatang kara",))),
        problems=(
            "rumah {tetangga|warga|saya} {LOC} {tidak layak huni|hampir roboh|atapnya bocor semua}",
            "mohon {program rutilahu|bantuan bedah rumah} untuk warga {LOC}",
            "{dinding|atap} rumah {warga|lansia} {LOC} {lapuk|bolong} dan {bocor|rawan ambruk}",
        ),
        details=(
            "Kalau hujan airnya masuk ke dalam rumah.",
            "Penghuninya lansia yang tinggal sendiri.",
            "Tiang kayunya sudah dimakan rayap.",
        ),
        requests=("Mohon dibantu perbaikan rumah.",),
        titles=("Rutilahu", "Bedah rumah"),
        mentions=("ada rumah tidak layak huni juga",),
    ),
    TopicSpec(
        key="layanan_digital",
        place_bound=False,
        label="Aplikasi dan Layanan Digital Pemkot",
        weight=1.4,
        season="flat",
        routes=(Route(DISKOMINFO, 1.0),),
        problems=(
            "aplikasi {Sapawarga|pengaduan|Bandung Smart City} {error|tidak bisa dibuka|gagal "
            "login}",
            "{wifi publik|WiFi gratis} di {taman|RW} {LOC} {mati|tidak bisa konek|lemot}",
            "{website|situs} pemkot {tidak bisa diakses|down|isinya tidak update}",
            "{CCTV|kamera ATCS} {LOC} {mati|tidak berfungsi}",
            "ada {hoaks|informasi palsu|akun palsu} mengatasnamakan pemkot yang viral",
        ),
        details=(
            "Sudah coba di HP lain hasilnya sama.",
            "Muncul pesan 'server sedang sibuk' terus.",
            "Banyak warga yang mengeluh di kolom komentar.",
        ),
        requests=("Mohon diperbaiki sistemnya.", "Mohon klarifikasinya."),
        titles=("Aplikasi error", "Wifi publik mati", "Website down"),
        mentions=("aplikasinya juga error",),
    ),
    TopicSpec(
        key="tenaga_kerja",
        place_bound=False,
        label="Ketenagakerjaan",
        weight=1.2,
        season="lebaran",
        routes=(Route(DISNAKER, 1.0),),
        problems=(
            "{gaji|THR} saya {belum dibayar|dipotong|ditahan} oleh {perusahaan|pabrik} {LOC}",
            "saya {di-PHK|dipecat} sepihak tanpa {pesangon|pemberitahuan}",
            "{perusahaan|pabrik} {LOC} {membayar di bawah UMK|tidak mendaftarkan BPJS "
            "Ketenagakerjaan}",
            "{pelatihan kerja|job fair|kartu kuning} {tidak jelas jadwalnya|susah diurus}",
        ),
        details=(
            "Kami takut melapor langsung karena diancam dipecat.",
            "Ada sekitar {ANGKA}0 karyawan yang mengalami hal yang sama.",
            "Perusahaan selalu beralasan sedang rugi.",
        ),
        requests=("Mohon mediasi.", "Mohon diperiksa perusahaannya."),
        titles=("THR belum dibayar", "PHK sepihak", "Gaji di bawah UMK"),
        mentions=("THR juga belum dibayar",),
    ),
    # Area-office topics: routed to the complainant's own kecamatan or kelurahan.
    TopicSpec(
        key="surat_pengantar",
        place_bound=False,
        label="Surat Pengantar dan Keterangan",
        weight=3.2,
        season="flat",
        area=True,
        routes=(),
        problems=(
            "{surat pengantar|surat keterangan domisili|SKTM|surat keterangan usaha} "
            "{lama|dipersulit|tidak dilayani} di {kelurahan|kecamatan}",
            "{pelayanan|petugas} {kantor kelurahan|kecamatan} {LOC} {tutup saat jam kerja|tidak "
            "ada di tempat}",
            "{tanda tangan|stempel} {lurah|camat} untuk {surat|berkas} saya {belum "
            "keluar|ditunda-tunda}",
            "diminta {biaya|uang} untuk {surat pengantar|legalisir} di {kelurahan|kecamatan}",
        ),
        details=(
            "Surat itu saya perlukan untuk {berobat|melamar kerja|daftar sekolah}.",
            "Petugas loket bilang harus menunggu tanda tangan yang sedang dinas luar.",
            "Persyaratannya berubah-ubah setiap saya datang.",
        ),
        requests=("Mohon dipercepat.", "Mohon dibina petugasnya."),
        titles=("Surat pengantar", "Pelayanan kelurahan", "SKTM"),
        mentions=("urus surat di kelurahan juga lama",),
    ),
    TopicSpec(
        key="rt_rw",
        place_bound=False,
        label="Urusan RT/RW",
        weight=2.5,
        season="flat",
        area=True,
        routes=(),
        problems=(
            "{ketua|pengurus|Pak} {RT} {menarik iuran|minta pungutan} yang {tidak "
            "jelas|memberatkan}",
            "{pemilihan|pergantian} ketua {RT} {tidak transparan|bermasalah}",
            "{ketua|pengurus} {RT} {tidak mau|menolak} memberi surat pengantar",
            "dana {kas|iuran|bantuan kewilayahan} {RT} {tidak dilaporkan|dipakai pribadi}",
        ),
        details=(
            "Warga sudah protes di grup WhatsApp tapi diabaikan.",
            "Laporan keuangan tidak pernah ditunjukkan ke warga.",
            "Sebagian warga takut bicara karena sungkan.",
        ),
        requests=("Mohon dimediasi oleh kelurahan.", "Mohon pembinaan pengurus RT/RW."),
        titles=("Iuran RT", "Masalah RW", "Pengurus RT"),
        mentions=("ketua RT-nya juga susah dihubungi",),
    ),
    TopicSpec(
        key="kewilayahan",
        label="Permasalahan Kewilayahan",
        weight=2.7,
        season="flat",
        area=True,
        routes=(),
        problems=(
            "{tanah|lahan} kosong {LOC} {dijadikan tempat buang sampah|penuh semak} dan tidak ada "
            "pemiliknya",
            "{konflik|sengketa batas|perselisihan} antar warga {LOC} perlu ditengahi",
            "{jalan gang|akses jalan} {LOC} {ditutup|dipagar} sepihak oleh {warga|pemilik rumah}",
            "{kos-kosan|kontrakan} {LOC} {tidak lapor tamu|dipakai kumpul kebo}",
            "{hajatan|acara} warga {LOC} menutup jalan {tanpa izin|berhari-hari}",
        ),
        details=(
            "Sudah dimusyawarahkan di RW tapi buntu.",
            "Situasinya makin panas dan warga khawatir terjadi keributan.",
            "Pihak yang bersangkutan tidak mau diajak bicara.",
        ),
        requests=("Mohon dimediasi.", "Mohon ditindaklanjuti oleh aparat kewilayahan."),
        titles=("Masalah lingkungan", "Permasalahan warga {KEL}"),
        mentions=("ada masalah antar warga juga",),
        vague=("lingkungan kami {LOC} tidak kondusif",),
    ),
    TopicSpec(
        key="kerja_bakti",
        place_bound=False,
        label="Kerja Bakti dan Kegiatan Warga",
        weight=1.7,
        season="flat",
        area=True,
        routes=(),
        problems=(
            "mohon dukungan {alat|karung|tenaga} untuk kerja bakti {LOC}",
            "{kegiatan|program} {Kang Pisman|kerja bakti|siskamling} {LOC} tidak pernah "
            "difasilitasi",
            "{posyandu|pos ronda|balai RW} {LOC} {rusak|butuh perbaikan} dan warga mau gotong "
            "royong",
            "mohon informasi {program PIPPK|dana kewilayahan|musrenbang} untuk {RW kami|warga "
            "{KEL}}",
        ),
        details=(
            "Warga sudah siap gotong royong hari Minggu.",
            "Kami butuh bantuan truk untuk mengangkut sampah hasil kerja bakti.",
            "Karang taruna juga siap membantu.",
        ),
        requests=("Mohon difasilitasi.", "Mohon arahannya."),
        titles=("Kerja bakti", "Kegiatan RW", "Program kewilayahan"),
        mentions=("sekalian mau ngajak kerja bakti",),
    ),
)
