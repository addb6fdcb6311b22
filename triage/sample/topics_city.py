"""Sample-corpus topics about the physical city: water, roads, traffic, waste, trees, disasters.

Phrases deliberately share words across topics ("air", "jalan", "saluran", "gelap") so
that a model has to read the whole complaint, as with real ones. Template syntax is
described in ``triage.sample.vocab``.
"""

from __future__ import annotations

from triage.sample.vocab import (
    BPBD,
    DCKBKTR,
    DISHUB,
    DISKARPB,
    DLH,
    DPKP,
    DSDABM,
    PDAM,
    SATPOLPP,
    Route,
    TopicSpec,
)

CITY_TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(
        key="banjir",
        label="Banjir dan Genangan",
        weight=6.0,
        season="rain",
        emergency=True,
        routes=(
            Route(
                DSDABM,
                0.62,
                (
                    "genangan di badan jalan ini selalu muncul tiap hujan",
                    "kayaknya gorong-gorong di bawah jalan terlalu kecil",
                    "perlu normalisasi saluran dan perbaikan gorong-gorong",
                ),
            ),
            Route(
                BPBD,
                0.28,
                (
                    "ada warga yang harus dievakuasi",
                    "barang-barang warga terendam",
                    "beberapa keluarga mengungsi ke masjid",
                    "butuh perahu karet",
                ),
            ),
            Route(
                DISKARPB,
                0.10,
                ("air masuk ke rumah dan ada lansia terjebak", "butuh bantuan penyedotan air"),
            ),
        ),
        problems=(
            "{banjir|banjir lagi|banjir cukup parah} {LOC} setelah hujan {deras|besar|semalam}",
            "air {menggenang|tergenang} {setinggi lutut|sampai {ANGKA}0 cm|sebetis} {LOC}",
            "{jalan|jalanan} {LOC} {tergenang|jadi kolam|kebanjiran} tiap hujan turun",
            "air {sungai|kali|selokan} meluap dan masuk ke rumah warga {LOC}",
            "{genangan|banjir cileuncang} {LOC} {tidak surut-surut|lama surutnya|baru surut subuh}",
            "rumah-rumah {LOC} kemasukan air {hujan|kiriman} {sampai selutut|setinggi paha}",
            "tiap hujan {LOC} {pasti|selalu} banjir, motor banyak yang mogok",
        ),
        details=(
            "Air kotor bercampur sampah masuk sampai ke dalam rumah.",
            "Motor dan mobil banyak yang mogok karena memaksa lewat.",
            "Ketinggian air sempat mencapai {ANGKA}0 cm.",
            "Saluran di pinggir jalan tidak mampu menampung air hujan.",
            "Airnya baru surut setelah {ANGKA} jam.",
        ),
        requests=(
            "Mohon penanganan banjir {LOC} secepatnya.",
            "Tolong dibuatkan solusi permanen supaya tidak banjir terus.",
            "Mohon bantuan untuk warga yang terdampak.",
        ),
        titles=(
            "Banjir {KEL}",
            "Genangan air {JALAN}",
            "Banjir lagi",
            "Banjir tiap hujan",
            "Laporan genangan",
            "Air masuk rumah warga",
        ),
        mentions=(
            "kalau hujan {juga|} suka banjir",
            "jalannya juga sering tergenang air",
            "pas hujan air naik ke jalan",
        ),
        vague=("kalau hujan deras air naik terus {LOC}",),
    ),
    TopicSpec(
        key="drainase",
        label="Drainase dan Saluran Tersumbat",
        weight=4.5,
        season="rain",
        routes=(
            Route(
                DSDABM,
                0.85,
                ("salurannya perlu dikeruk dan diperlebar", "tutup saluran beton ada yang ambrol"),
            ),
            Route(
                DLH,
                0.15,
                (
                    "sumbatannya kebanyakan sampah plastik dan popok",
                    "perlu pengangkutan sampah dari saluran",
                ),
            ),
        ),
        problems=(
            "{saluran air|selokan|solokan|got|drainase} {LOC} {tersumbat|mampet|buntu}",
            "{got|selokan} {LOC} penuh {lumpur|sedimen|sampah} sampai airnya {tidak "
            "mengalir|meluap}",
            "{gorong-gorong|saluran} {LOC} {tertutup|tersumbat} sehingga air meluber ke jalan",
            "air {selokan|got} {LOC} {hitam|bau} dan {tidak mengalir|diam saja}",
            "drainase {LOC} {rusak|ambles|jebol} dan air {hujan|limbah} {ke mana-mana|meluber}",
            "{penutup saluran|tutup got} {LOC} {hilang|pecah} dan salurannya {penuh|mampet}",
        ),
        details=(
            "Kalau hujan airnya naik ke jalan dan ke halaman rumah.",
            "Baunya menyengat terutama siang hari.",
            "Sudah banyak nyamuk karena air tidak mengalir.",
            "Lebar saluran hanya sekitar {ANGKA}0 cm, terlalu kecil.",
        ),
        requests=(
            "Mohon salurannya dikeruk.",
            "Tolong dinormalisasi salurannya.",
            "Mohon pengerukan selokan sebelum musim hujan.",
        ),
        titles=("Saluran tersumbat", "Got mampet {KEL}", "Drainase buruk", "Selokan penuh lumpur"),
        mentions=("selokannya {juga|} mampet", "gotnya juga tersumbat sampah"),
        vague=("airnya gak ngalir {LOC}",),
    ),
    TopicSpec(
        key="jalan_rusak",
        label="Jalan Berlubang atau Rusak",
        weight=8.0,
        season="rain",
        routes=(
            Route(
                DSDABM,
                0.88,
                (
                    "ini jalan kota, bukan jalan gang",
                    "aspalnya baru diperbaiki tahun lalu tapi sudah hancur lagi",
                ),
            ),
            Route(
                DPKP,
                0.12,
                (
                    "jalan lingkungan di dalam komplek/gang",
                    "paving blok jalan gang sudah lepas semua",
                ),
            ),
        ),
        problems=(
            "jalan {LOC} {berlubang|bolong-bolong|rusak parah|hancur}",
            "ada lubang {besar|dalam|cukup lebar} di {tengah|pinggir} jalan {LOC}",
            "{aspal|jalan} {LOC} {mengelupas|ambles|retak-retak} dan {berlubang|bergelombang}",
            "jalan {LOC} {rusak|hancur} {setelah galian|bekas galian pipa|bekas proyek} tidak "
            "dirapikan",
            "lubang jalan {LOC} {tergenang air|tidak kelihatan kalau malam} dan "
            "{membahayakan|bikin celaka}",
            "{paving|cor-coran} jalan {LOC} {pecah|lepas} dan {berlubang|ambles}",
        ),
        details=(
            "Sudah ada pengendara motor yang jatuh di situ.",
            "Lubangnya sekitar {ANGKA}0 cm, kalau hujan tidak kelihatan.",
            "Warga cuma menandai dengan ban bekas dan ranting.",
            "Kendaraan besar sering lewat sehingga makin parah.",
        ),
        requests=(
            "Mohon jalannya segera diperbaiki.",
            "Tolong ditambal sebelum ada korban.",
            "Mohon diaspal ulang.",
        ),
        titles=(
            "Jalan berlubang {JALAN}",
            "Jalan rusak",
            "Lubang berbahaya",
            "Perbaikan jalan",
            "Jalan rusak parah {KEL}",
        ),
        mentions=("jalannya juga banyak yang bolong", "jalan di situ juga rusak"),
        vague=("kondisi jalan {LOC} memprihatinkan",),
    ),
    TopicSpec(
        key="trotoar",
        label="Trotoar dan Jembatan Penyeberangan",
        weight=1.8,
        season="flat",
        routes=(
            Route(DSDABM, 0.6, ("trotoar di sepanjang jalan protokol",)),
            Route(
                DCKBKTR,
                0.4,
                ("proyek penataan trotoar belum selesai", "ubin pemandu tunanetra dipasang asal"),
            ),
        ),
        problems=(
            "trotoar {LOC} {rusak|ambles|pecah-pecah} dan {membahayakan pejalan kaki|banyak "
            "lubang}",
            "{penutup saluran|ubin} di trotoar {LOC} {hilang|patah} jadi lubang menganga",
            "jembatan penyeberangan {LOC} {berkarat|licin|lantainya bolong}",
            "trotoar {LOC} {dipakai|dijadikan} {parkir motor|tempat jualan} sampai pejalan kaki "
            "turun ke jalan",
        ),
        details=(
            "Penyandang disabilitas tidak bisa lewat.",
            "Malam hari tidak kelihatan karena gelap.",
        ),
        requests=("Mohon trotoarnya diperbaiki.", "Mohon dirapikan agar aman untuk pejalan kaki."),
        titles=("Trotoar rusak", "Trotoar {JALAN}", "JPO rusak"),
        mentions=("trotoarnya juga rusak",),
    ),
    TopicSpec(
        key="kemacetan",
        label="Kemacetan Lalu Lintas",
        weight=5.0,
        season="ramadan",
        routes=(
            Route(
                DISHUB,
                0.92,
                (
                    "perlu petugas pengatur lalu lintas di jam sibuk",
                    "rekayasa lalu lintasnya perlu dievaluasi",
                ),
            ),
            Route(SATPOLPP, 0.08, ("penyebabnya pedagang yang berjualan di badan jalan",)),
        ),
        problems=(
            "{macet parah|kemacetan parah|macet total} {LOC} {setiap sore|tiap pagi|di jam pulang "
            "kerja}",
            "jalan {LOC} {selalu|tiap hari} macet {panjang|berjam-jam|sampai {ANGKA} km}",
            "lalu lintas {LOC} {semrawut|kacau} karena {kendaraan putar balik sembarangan|angkot "
            "ngetem}",
            "{antrean kendaraan|kemacetan} {LOC} {mengular|tidak bergerak} {sejak pagi|dari siang}",
            "{ngabuburit|pasar tumpah|keramaian} bikin {LOC} macet total",
            "{bus pariwisata|truk} parkir di bahu jalan {LOC} dan bikin macet",
        ),
        details=(
            "Waktu tempuh yang biasanya 10 menit jadi satu jam.",
            "Tidak ada petugas yang mengatur lalu lintas.",
            "Ambulans pun sulit lewat.",
            "Kendaraan dari arah berlawanan juga ikut terkunci.",
        ),
        requests=(
            "Mohon ada petugas yang mengatur.",
            "Mohon diatur ulang lalu lintasnya.",
            "Tolong ditertibkan supaya tidak macet.",
        ),
        titles=("Macet parah", "Kemacetan {JALAN}", "Lalu lintas semrawut", "Macet tiap hari"),
        mentions=("jalannya jadi macet", "bikin macet juga", "lalu lintas jadi tersendat"),
        vague=("tiap sore jalan {LOC} susah dilewati",),
    ),
    TopicSpec(
        key="lampu_lalin",
        label="Lampu Lalu Lintas dan Rambu",
        weight=1.6,
        season="flat",
        routes=(Route(DISHUB, 1.0),),
        problems=(
            "lampu {lalu lintas|lalin|merah} {LOC} {mati|berkedip kuning terus|tidak berfungsi}",
            "{traffic light|lampu merah} {LOC} {rusak|nyala hijau semua arah}",
            "rambu {lalu lintas|dilarang parkir|petunjuk arah} {LOC} {roboh|hilang|tertutup pohon}",
            "{marka jalan|zebra cross} {LOC} sudah {pudar|hilang} sehingga pengendara bingung",
            "{timer|countdown} lampu merah {LOC} {mati|tidak sesuai}",
        ),
        details=("Kendaraan saling serobot dan hampir tabrakan.", "Persimpangannya ramai sekali."),
        requests=("Mohon segera diperbaiki lampunya.", "Mohon rambunya dipasang kembali."),
        titles=("Lampu merah mati", "Traffic light rusak", "Rambu hilang {JALAN}"),
        mentions=("lampu merahnya juga mati",),
    ),
    TopicSpec(
        key="parkir_liar",
        label="Parkir Liar",
        weight=3.2,
        season="ramadan",
        routes=(
            Route(
                DISHUB,
                0.72,
                (
                    "juru parkirnya tidak pakai rompi resmi dan tanpa karcis",
                    "perlu penderekan mobil yang parkir",
                ),
            ),
            Route(
                SATPOLPP,
                0.28,
                ("perlu penertiban bersama aparat", "jukirnya preman dan mengintimidasi warga"),
            ),
        ),
        problems=(
            "{parkir liar|mobil parkir sembarangan} di {bahu jalan|trotoar|depan gang} {LOC}",
            "{juru parkir liar|jukir liar|tukang parkir} {LOC} minta {Rp{ANGKA}.000|tarif mahal}",
            "{mobil|motor} parkir {dua lapis|di badan jalan} {LOC} sampai jalan menyempit",
            "akses jalan {LOC} tertutup {mobil yang parkir|kendaraan parkir} berhari-hari",
            "{minimarket|kafe|rumah makan} {LOC} pakai jalan untuk parkir pengunjung",
        ),
        details=(
            "Kalau ditegur malah marah.",
            "Ambulans dan mobil sampah susah masuk.",
            "Parkirnya sampai ke tikungan, jadi rawan kecelakaan.",
        ),
        requests=(
            "Mohon ditertibkan.",
            "Mohon penindakan parkir liar.",
            "Tolong dipasang rambu dilarang parkir.",
        ),
        titles=("Parkir liar", "Jukir liar {JALAN}", "Parkir sembarangan"),
        mentions=("parkir liar juga bikin sempit", "banyak mobil parkir sembarangan"),
    ),
    TopicSpec(
        key="pju",
        label="Penerangan Jalan Umum Mati",
        weight=4.0,
        season="flat",
        routes=(
            Route(DISHUB, 0.74, ("tiang lampunya milik pemkot di jalan raya",)),
            Route(
                DPKP,
                0.26,
                ("lampu taman dan lampu di area taman kota", "lampu di jalan lingkungan perumahan"),
            ),
        ),
        problems=(
            "{lampu jalan|PJU|lampu penerangan jalan} {LOC} {mati|padam|tidak menyala}",
            "{lampu PJU|lampu jalan} {LOC} {kedap-kedip|kadang nyala kadang mati|redup sekali}",
            "jalan {LOC} {gelap gulita|gelap total|gelap banget} karena lampu jalan mati",
            "tiang {lampu|PJU} {LOC} {miring|hampir roboh|kabelnya terjuntai}",
            "{beberapa|{ANGKA}} lampu jalan {LOC} mati {sejak lama|berbarengan}",
            "lampu jalan {LOC} justru {nyala siang hari|menyala terus siang-siang}",
        ),
        details=(
            "Rawan begal dan jambret kalau malam.",
            "Pengendara tidak bisa melihat lubang jalan.",
            "Ibu-ibu yang pulang kerja malam jadi takut.",
        ),
        requests=("Mohon lampunya diganti.", "Mohon PJU diperbaiki.", "Tolong dinyalakan lagi."),
        titles=("PJU mati", "Lampu jalan mati {JALAN}", "Jalan gelap", "Penerangan jalan"),
        mentions=("lampu jalannya juga mati", "jalannya gelap karena PJU mati"),
        vague=("malam hari {LOC} gelap sekali",),
    ),
    TopicSpec(
        key="sampah",
        label="Sampah Menumpuk",
        weight=9.0,
        season="flat",
        routes=(
            Route(
                DLH,
                0.94,
                (
                    "truk pengangkut dari dinas sudah lama tidak datang",
                    "TPS-nya penuh dan kontainer tidak diganti",
                ),
            ),
            Route(SATPOLPP, 0.06, ("perlu sanksi tipiring untuk pembuang sampah sembarangan",)),
        ),
        problems=(
            "sampah {menumpuk|menggunung|berserakan} {LOC} {dan tidak diangkut|berhari-hari}",
            "{TPS|tempat pembuangan sampah} {LOC} {penuh|meluber} sampai ke {jalan|badan jalan}",
            "{warga|orang} membuang sampah {sembarangan|di pinggir jalan|ke sungai} {LOC}",
            "sampah {LOC} {belum diangkut|tidak diambil} {petugas|truk sampah} {ANGKA} hari",
            "tumpukan sampah {LOC} {bau busuk|dikerumuni lalat|dibakar warga}",
            "{gerobak|petugas} sampah tidak datang {LOC} dan sampah numpuk di depan rumah",
        ),
        details=(
            "Baunya sampai ke dalam rumah.",
            "Banyak lalat dan tikus.",
            "Sampah sampai menutupi separuh jalan.",
            "Airnya (lindi) mengalir ke selokan.",
        ),
        requests=(
            "Mohon sampahnya segera diangkut.",
            "Mohon jadwal pengangkutan diperbaiki.",
            "Tolong ditambah kontainer sampah.",
        ),
        titles=("Sampah menumpuk", "Sampah tidak diangkut", "TPS penuh {KEL}", "Sampah {JALAN}"),
        mentions=("sampahnya juga numpuk", "banyak sampah berserakan", "sampah gak diangkut"),
        vague=("kotor dan bau sekali {LOC}",),
    ),
    TopicSpec(
        key="pencemaran",
        label="Pencemaran Lingkungan",
        weight=2.0,
        season="dry",
        routes=(
            Route(DLH, 0.88, ("diduga limbah pabrik tanpa IPAL", "perlu uji sampel air")),
            Route(DSDABM, 0.12, ("aliran sungainya perlu dikeruk",)),
        ),
        problems=(
            "{sungai|kali} {LOC} {berubah warna|berbusa|hitam pekat} {diduga limbah|karena limbah}",
            "{asap|bau} {pembakaran sampah|dari pabrik|menyengat} {LOC} {setiap malam|tiap sore}",
            "{pabrik|usaha laundry|peternakan} {LOC} membuang limbah ke {selokan|sungai}",
            "udara {LOC} {bau busuk|sesak} karena {pembakaran|cerobong} {sampah|pabrik}",
            "ikan di {sungai|kolam} {LOC} {mati|mengambang} diduga karena limbah",
        ),
        details=("Anak-anak jadi batuk dan sesak.", "Air sumur warga ikut berbau."),
        requests=("Mohon dicek dan ditindak.", "Mohon diuji kualitas airnya."),
        titles=("Limbah pabrik", "Pencemaran sungai", "Bau menyengat"),
        mentions=("ada bau limbah juga", "sungainya tercemar"),
    ),
    TopicSpec(
        key="pohon",
        label="Pohon Tumbang atau Rawan Tumbang",
        weight=3.5,
        season="rain",
        emergency=True,
        routes=(
            Route(
                DPKP,
                0.5,
                (
                    "pohonnya perlu dipangkas sebelum tumbang",
                    "dahan-dahannya sudah lapuk dan menjuntai",
                ),
            ),
            Route(
                DISKARPB,
                0.3,
                (
                    "pohonnya menimpa rumah dan perlu dievakuasi segera",
                    "butuh gergaji mesin untuk memotong batang",
                ),
            ),
            Route(
                BPBD,
                0.2,
                (
                    "angin kencang merobohkan beberapa pohon sekaligus",
                    "ada warga yang terluka tertimpa",
                ),
            ),
        ),
        problems=(
            "pohon {besar|tua|beringin} {tumbang|roboh} {LOC} dan menutup jalan",
            "pohon {LOC} {miring|rapuh|keropos} dan {rawan tumbang|hampir roboh}",
            "dahan pohon {LOC} {patah|menimpa kabel listrik|jatuh ke jalan}",
            "{angin kencang|hujan angin} bikin pohon {LOC} {tumbang|patah} menimpa "
            "{rumah|mobil|motor}",
            "ranting pohon {LOC} {sudah rimbun|menutupi lampu jalan|menyentuh kabel}",
        ),
        details=(
            "Jalan tidak bisa dilewati kendaraan.",
            "Kabel listrik ikut tertimpa.",
            "Kalau hujan angin warga takut lewat di bawahnya.",
        ),
        requests=(
            "Mohon segera dievakuasi.",
            "Mohon dipangkas.",
            "Tolong kirim petugas ke lokasi.",
        ),
        titles=("Pohon tumbang", "Pohon rawan tumbang {JALAN}", "Pemangkasan pohon"),
        mentions=("ada pohon yang hampir tumbang juga", "pohonnya juga rawan roboh"),
    ),
    TopicSpec(
        key="taman",
        label="Taman dan Ruang Terbuka Hijau",
        weight=1.5,
        season="flat",
        routes=(Route(DPKP, 1.0),),
        problems=(
            "taman {LOC} {tidak terawat|kotor|rumputnya tinggi}",
            "fasilitas {taman|RTH} {LOC} {rusak|dicoret-coret|ayunannya patah}",
            "{toilet|lampu|air mancur} di taman {LOC} {rusak|tidak berfungsi}",
            "taman {LOC} dipakai {nongkrong sampai larut malam|tempat mabuk|tidur gelandangan}",
        ),
        details=(
            "Padahal banyak anak-anak bermain di sana.",
            "Bangku-bangkunya patah dan catnya sudah mengelupas.",
            "Sore hari taman itu ramai dipakai warga berolahraga.",
        ),
        requests=("Mohon dirawat kembali.", "Mohon fasilitasnya diperbaiki."),
        titles=("Taman tidak terawat", "Fasilitas taman rusak"),
        mentions=("tamannya juga tidak terawat",),
    ),
    TopicSpec(
        key="pdam",
        label="Air PDAM Mati atau Keruh",
        weight=6.0,
        season="dry",
        routes=(Route(PDAM, 1.0),),
        problems=(
            "air {PDAM|ledeng|Tirtawening} {LOC} {mati|tidak mengalir|kecil sekali}",
            "air {PDAM|keran} {LOC} {keruh|kuning|bau kaporit|berpasir}",
            "{aliran air|air bersih} {LOC} {cuma ngalir tengah malam|mati total|macet}",
            "{tagihan|rekening} {PDAM|air} {LOC} {naik tidak wajar|membengkak} padahal air sering "
            "mati",
            "meteran air {LOC} {rusak|berputar terus} dan tagihan {jadi mahal|tidak sesuai}",
            "air {bersih|PDAM} tidak keluar {LOC} dan warga harus beli air",
        ),
        details=(
            "Kami terpaksa beli air galon untuk mandi.",
            "Tidak ada pemberitahuan sebelumnya.",
            "Pelanggan no. {ANGKA}{ANGKA}{ANGKA}{ANGKA}{ANGKA}{ANGKA}.",
            "Tetangga satu RW mengalami hal yang sama.",
        ),
        requests=(
            "Mohon dicek jaringan pipanya.",
            "Mohon kiriman air tangki.",
            "Mohon penjelasan kapan air normal.",
        ),
        titles=("Air PDAM mati", "Air keruh", "Tagihan air", "Air tidak mengalir {KEL}"),
        mentions=("air PDAM juga mati", "air ledeng juga keruh"),
        vague=("air di rumah gak keluar dari {ANGKA} hari",),
    ),
    TopicSpec(
        key="pipa_bocor",
        label="Pipa Air Bocor",
        weight=1.8,
        season="flat",
        routes=(
            Route(PDAM, 0.85, ("pipa distribusi milik PDAM",)),
            Route(DSDABM, 0.15, ("galian perbaikan pipa tidak ditutup kembali",)),
        ),
        problems=(
            "pipa {air|PDAM} {bocor|pecah} {LOC} dan airnya {muncrat|mengalir ke jalan}",
            "{kebocoran|rembesan} pipa {LOC} {membuat jalan berlubang|sudah lama dibiarkan}",
            "air bersih terbuang {sia-sia|percuma} karena pipa bocor {LOC}",
            "ada {galian|lubang} bekas perbaikan pipa {LOC} yang {tidak ditutup|dibiarkan}",
        ),
        details=("Airnya sampai menggenangi jalan.", "Tekanan air di rumah jadi kecil."),
        requests=("Mohon pipanya diperbaiki.", "Mohon segera ditambal."),
        titles=("Pipa bocor", "Kebocoran pipa {JALAN}"),
        mentions=("ada pipa bocor juga",),
    ),
    TopicSpec(
        key="kebakaran",
        label="Kebakaran",
        weight=1.6,
        season="dry",
        emergency=True,
        routes=(Route(DISKARPB, 1.0),),
        problems=(
            "{terjadi kebakaran|ada kebakaran|rumah terbakar} {LOC}",
            "{api|asap hitam} terlihat dari {rumah|gudang|warung} {LOC}",
            "{lahan kosong|tumpukan sampah|ilalang} {LOC} terbakar dan apinya membesar",
            "{korsleting listrik|kompor gas bocor} menyebabkan kebakaran {LOC}",
            "{hidran|hydrant} {LOC} {tidak ada airnya|rusak} padahal rawan kebakaran",
        ),
        details=(
            "Api cepat merambat ke rumah sebelah.",
            "Warga sudah berusaha memadamkan dengan ember.",
        ),
        requests=("Mohon kirim mobil damkar.", "Mohon bantuan pemadaman segera."),
        titles=("Kebakaran", "Kebakaran {KEL}", "Ada api"),
        mentions=("sempat ada kebakaran kecil juga",),
    ),
    TopicSpec(
        key="longsor",
        label="Tanah Longsor dan Bangunan Roboh",
        weight=1.4,
        season="rain",
        emergency=True,
        routes=(
            Route(BPBD, 0.7, ("warga di sekitar tebing perlu direlokasi",)),
            Route(DISKARPB, 0.3, ("ada orang yang terjebak reruntuhan",)),
        ),
        problems=(
            "{tebing|tanah} {LOC} longsor {setelah hujan deras|menimpa rumah}",
            "{tembok penahan tanah|TPT|turap} {LOC} {ambruk|retak besar|jebol}",
            "rumah warga {LOC} {roboh|ambruk|retak} karena {tanah bergerak|longsor}",
            "{atap|dinding} {rumah|sekolah} {LOC} {roboh|ambruk} diterjang hujan angin",
        ),
        details=(
            "Masih ada potensi longsor susulan.",
            "Penghuni rumah sudah mengungsi ke tetangga.",
        ),
        requests=("Mohon dilakukan asesmen.", "Mohon bantuan tanggap darurat."),
        titles=("Longsor", "TPT ambruk {KEL}", "Rumah roboh"),
        mentions=("tebingnya juga retak",),
    ),
)
