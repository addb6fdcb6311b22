"""What the incident index compares: word shingles, content words and named streets.

Kept apart from the index itself so that the evaluation and the tests can look at the
features of one complaint without building an index.
"""

from __future__ import annotations

import re
import unicodedata

from triage.errors import InputError
from triage.text import tokens

# Three-word shingles: a re-sent complaint keeps its word order, two citizens never do.
SHINGLE_WORDS = 3

# "Jl. Kenjeran", "jln raya darmo", "Gg. Lebar", "gang 3", "jalan Pahlawan".  Abbreviations
# are street names almost always; the spelled-out words are also plain nouns ("jalan rusak"
# = the road is broken), so _street_words refuses dictionary words after them.
_STREET = re.compile(
    r"\b(?P<kind>jl|jln|jalan|gg|gang)\b\.?\s*(?=(?P<name>[^\W_](?:[\w'.-]|\s(?=\w))*))",
    re.IGNORECASE | re.UNICODE,
)
_KIND = {"jl": "jalan", "jln": "jalan", "jalan": "jalan", "gg": "gang", "gang": "gang"}
# Words that end a street name: house numbers, RT/RW, the area, where on the street.
_NAME_END = frozenset(
    """no nomor nmr rt rw kel kelurahan kec kecamatan kota surabaya bandung dekat depan
    samping sebelah seberang belakang arah menuju ujung pojok sekitar perempatan pertigaan
    tikungan yang dan atau di ke dari pada untuk dengan sudah belum tidak sejak sampai mohon
    tolong segera ada ini itu tersebut sangat banyak sering""".split()
)
# Stems of words that describe a road or what is wrong with it ("jalan rusak", "gang sempit",
# "jl. kenjeran berlubang"): they end a name, and after the spelled-out nouns they are no name.
_DESCRIBES = frozenset(
    """rusak lubang bolong retak ambles amblas hancur parah licin gelap terang mati padam putus
    sempit buntu macet banjir genang becek kotor bau sampah tumbang air kecil besar utama umum
    kampung protokol tol rumah kami saya kita masuk keluar baru lama aspal paving tanah
    makadam beton cor gelombang akses lain jalan gang""".split()
)
# A name of one of these words alone is a kind of road, not a road.
_GENERIC = frozenset({"raya", "besar", "utama", "kecil", "baru", "lama", "setapak"})
_MAX_NAME_WORDS = 3
# Words that say where, not what: left out of the problem's words.
_PLACE_WORDS = _NAME_END | {"jalan", "gang", "jl", "jln", "gg", "nomor", "0"}


def shingles(text: str) -> set[bytes]:
    """The word shingles of a complaint, as bytes for MinHash.

    Raises
    ------
    InputError
        When the text has no words (nothing to compare).
    """
    words = tokens(text, stemming=False, drop_stopwords=False)
    if not words:
        raise InputError("the complaint has no words to compare")
    if len(words) < SHINGLE_WORDS:
        return {" ".join(words).encode()}
    return {
        " ".join(words[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(words) - SHINGLE_WORDS + 1)
    }


def problem_words(text: str, streets: frozenset[str] = frozenset()) -> frozenset[str]:
    """Stemmed content words, without stopwords and the words that only say where."""
    place = {stem for street in streets for stem in tokens(street)}
    return frozenset(word for word in tokens(text) if word not in _PLACE_WORDS | place)


def street_names(text: str) -> frozenset[str]:
    """The streets and alleys a complaint names, as ``"jalan kenjeran"`` / ``"gang lebar 3"``.

    A simple pattern, not a gazetteer: "jl./jln/jalan/gg./gang" and up to three words of
    name, ended by a number sign, RT/RW, the area or a word of position.
    """
    found: set[str] = set()
    folded = unicodedata.normalize("NFKC", text)
    for match in _STREET.finditer(folded):
        kind = _KIND[match["kind"].lower()]
        spelled_out = len(match["kind"]) > 3
        name = _street_words(match["name"], spelled_out)
        if name:
            found.add(f"{kind} {name}")
    return frozenset(found)


def _street_words(raw: str, spelled_out: bool) -> str:
    words: list[str] = []
    # "A.Yani" is "A. Yani".
    for piece in raw.replace(".", " ").split():
        word = piece.strip("'-").lower()
        if not word or word in _NAME_END:
            break
        # tokens() expands slang ("yg", "tsb") before dropping stopwords, and stems.
        stems = tokens(word) if not word.isdigit() else [word]
        if not stems or _DESCRIBES.intersection(stems):
            if not words and spelled_out:
                return ""
            break
        if words and not word.isdigit() and stems != [word]:
            # An affixed word ("membahayakan", "saluran") after the first is a verb or a
            # noun of its own; names are bare words ("Kedung Baruk", "Ngagel Jaya").
            break
        words.append(word)
        if word.isdigit() or len(words) == _MAX_NAME_WORDS:
            # "gang 3 rt 2": a number ends the name it belongs to.
            break
    if len(words) == 1 and words[0] in _GENERIC:
        return ""
    return " ".join(words)
