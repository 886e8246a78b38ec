"""The word lists detection relies on, from installed packages only (nothing downloads).

- First names and surnames: the person providers of Faker (PyPI ``faker``, MIT licence,
  https://github.com/joke2k/faker), German (de_DE, de_AT, de_CH) and the first names of the
  Latin-script locales whose names are common in Germany (Turkish, Polish, Croatian,
  Italian, Dutch, Swedish, French, English); surnames from the German, Turkish, Croatian and
  Italian locales.
- Places: the German, Austrian and Swiss city lists of Faker; its country and state lists
  name what is *not* pseudonymised (a country or a Land identifies nobody).
- Stop words: spaCy's German list.
- Word classes from use: the Brown clusters of spaCy's German lexeme table
  (``spacy-lookups-data``, 1 million words). Names of people share one branch of the
  cluster tree (92 % of Faker's German first names), towns another (81 % of its cities);
  the common nouns of the lemma table fall there rarely (3 % and 7 %). A word of the
  person branch that is no common word reads as a name (``Haddad``, ``Kübra``).
- Common words: spaCy's German lemma table (``spacy-lookups-data``, MIT). A capitalised
  word counts as a common word when the table lists a plural or other inflected form of it
  besides a genitive ``-s`` (``Koch`` → ``Köche``, ``Anfang`` → ``Anfänge``, ``August`` →
  ``Auguste``), or knows its lower-case form (``lange``). Names have at most a genitive
  (``Seidels``, ``Sabines``), so ``Frau Koch`` is a person while a lone ``Koch`` is not.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import importlib.metadata
import json
import mmap
import os
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

__all__ = [
    "ADDRESS_WORDS",
    "FUNCTION_WORDS",
    "HEADER_WORDS",
    "PLACE_WORDS",
    "TITLE_WORDS",
    "cache_dir",
    "cities",
    "first_names",
    "cluster_kind",
    "is_common_word",
    "is_office_word",
    "is_other_word",
    "is_role_word",
    "is_stop_word",
    "not_places",
    "surnames",
]

_FIRST_NAME_LOCALES = ("de_DE", "de_AT", "de_CH", "tr_TR", "pl_PL", "hr_HR", "it_IT",
                       "nl_NL", "sv_SE", "fr_FR", "en_US", "en_GB")
_SURNAME_LOCALES = ("de_DE", "de_AT", "de_CH", "tr_TR", "hr_HR", "it_IT")

#: Forms of address: the capitalised word after one is a name, unless it is a role.
ADDRESS_WORDS = frozenset({"Frau", "Herr", "Herrn", "Fr.", "Hr.", "Familie", "Ehepaar"})
#: Titles that stand between a form of address and a name, or before a name alone.
TITLE_WORDS = frozenset({"Dr.", "Prof.", "Dipl.-Ing.", "med.", "phil.", "rer.", "nat.", "h.c.",
                         "Professor", "Professorin", "Doktor", "Dres."})
#: Words before a municipality's name: ``Stadt Auenfeld``, ``Gemeinde Ellerbach``.
PLACE_WORDS = frozenset({"Stadt", "Gemeinde", "Landkreis", "Kreis", "Stadtteil", "Ortsteil",
                         "Ortschaft", "Bezirk", "Stadtbezirk", "Markt", "Samtgemeinde",
                         "Verbandsgemeinde", "Hansestadt", "Kreisstadt", "Großstadt"})
#: Labels of a protocol's header lines, never speakers.
HEADER_WORDS = frozenset({
    "Datum", "Ort", "Zeit", "Uhrzeit", "Moderation", "Protokoll", "Teilnehmende",
    "Teilnehmer", "Teilnehmerinnen", "Anwesend", "Abwesend", "Entschuldigt", "Gäste", "Gast",
    "Thema", "Themen", "Tagesordnung", "Ergebnis", "Ergebnisse", "Beschluss", "Hinweis",
    "Frage", "Antwort", "Anmerkung", "Fazit", "Ziel", "Ziele", "Nachtrag", "Verteiler",
    "Betreff", "Anlage", "Anlagen", "Quelle", "Notiz", "Protokollführung", "Leitung",
    "Begrüßung", "Ausblick", "Termin", "Zusammenfassung", "Diskussion", "Input", "Rückfrage",
    "Beispiel", "Wichtig", "Achtung", "Offen", "Kontakt", "Telefon", "Mail", "Adresse",
})
#: Words that begin a sentence capitalised; never a name.
FUNCTION_WORDS = frozenset({
    "Der", "Die", "Das", "Den", "Dem", "Des", "Ein", "Eine", "Einen", "Einem", "Einer", "Eines",
    "Und", "Oder", "Aber", "Sie", "Er", "Es", "Wir", "Ihr", "Ich", "Man", "Auch", "Auf", "In",
    "Im", "Am", "An", "Bei", "Mit", "Nach", "Von", "Vom", "Zu", "Zum", "Zur", "Für", "Über",
    "Unter", "Als", "Wie", "Wenn", "Dass", "Da", "Dann", "Doch", "So", "Nur", "Noch", "Schon",
    "Hier", "Dort", "Kein", "Keine", "Jede", "Jeder", "Alle", "Viele", "Einige", "Dies",
    "Diese", "Dieser", "Dieses", "Ihre", "Ihren", "Sein", "Seine", "Unser", "Unsere", "Was",
    "Wer", "Wo", "Warum", "Ja", "Nein", "Danke", "Bitte", "Hallo", "Ok", "Okay", "Nicht",
    "Mehr", "Weniger", "Sehr", "Gut", "Frau", "Herr", "Herrn", "Dr.", "Prof.", "TOP", "Uhr",
    "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag",
    "Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
    "Oktober", "November", "Dezember", "Euro", "Prozent", "Solange", "Sofern", "Soweit",
    "Sobald", "Insofern", "Indem", "Nachdem", "Obwohl", "Während", "Seit", "Bis", "Weil",
})

# A role or office, not a person: "die Moderatorin", "das Ordnungsamt", "Herr Bürgermeister".
_ROLE_SUFFIXES = (
    "bürgermeister", "bürgermeisterin", "beauftragte", "beauftragter", "beauftragten",
    "leiter", "leiterin", "leitung", "referent", "referentin", "moderator", "moderatorin",
    "kollege", "kollegin", "vorsitzende", "vorsitzender", "dezernent", "dezernentin",
    "direktor", "direktorin", "präsident", "präsidentin", "sprecher", "sprecherin",
    "stadtrat", "stadträtin", "gemeinderat", "gemeinderätin", "manager", "managerin",
    "koordinator", "koordinatorin", "sachbearbeiter", "sachbearbeiterin", "mitarbeiter",
    "mitarbeiterin", "vertreter", "vertreterin", "minister", "ministerin", "landrat",
    "landrätin", "planer", "planerin", "experte",
    "expertin", "protokollantin", "protokollant", "teilnehmerin", "teilnehmer", "bewohner",
    "bewohnerin", "bürger", "bürgerin", "chef", "chefin", "doktor", "doktorin", "pfarrer",
    "pfarrerin", "lehrer", "lehrerin",
)
# An office or a body: never a person, and no title before a name ("Stabsstelle Klima").
_OFFICE_SUFFIXES = (
    "amt", "ämter", "behörde", "verwaltung", "stelle", "abteilung", "fachbereich",
    "dezernat", "referat", "team", "gruppe", "vorstand", "ausschuss", "rat", "leitung",
    "büro", "zentrum", "betrieb", "werk", "werke", "kammer", "verband", "verein", "ministerium",
)


def is_role_word(word: str) -> bool:
    """A word that names a person's role (``Moderatorin``, ``Bürgermeister``): a title
    before a name (``Bürgermeisterin Krüger``), never a name itself. A feminine ``-in``
    of a common noun is a role, too (``Anwohnerin``, ``Interviewerin``), unless it is a
    first name (``Augustin``)."""
    low = word.casefold().rstrip(".")
    if low.endswith("innen"):
        low = low[:-3]
    if low.endswith(("meister", "meisterin")):
        return "bürgermeister" in low
    if low.endswith(_ROLE_SUFFIXES):
        return True
    return _feminine_role(word.rstrip("."))


def _feminine_role(word: str) -> bool:
    if len(word) < 7 or not word.endswith("in") or not word[:1].isupper():
        return False
    stem = word[:-2]
    return stem[-1:] in "rt" and (is_common_word(stem) or is_other_word(stem)) and \
        word not in first_names()


def is_office_word(word: str) -> bool:
    """A word that names an office or body (``Ordnungsamt``, ``Stabsstelle``)."""
    return word.casefold().endswith(_OFFICE_SUFFIXES)


def _faker_attr(kind: str, locale: str, names: tuple[str, ...]) -> set[str]:
    try:
        provider = importlib.import_module(f"faker.providers.{kind}.{locale}").Provider
    except ImportError:
        return set()
    out: set[str] = set()
    for name in names:
        values = getattr(provider, name, None) or ()
        out.update(str(v) for v in values)
    return out


def _latin(word: str) -> bool:
    return all(c.isascii() or "\u00c0" <= c <= "\u024f" or c in "-' " for c in word)


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """First names (Faker's person providers; empty when Faker is not installed)."""
    out: set[str] = set()
    for locale in _FIRST_NAME_LOCALES:
        out |= _faker_attr("person", locale,
                           ("first_names", "first_names_male", "first_names_female"))
    return frozenset(n for n in out if n[:1].isupper() and _latin(n) and len(n) > 2)


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Surnames (Faker's person providers; empty when Faker is not installed)."""
    out: set[str] = set()
    for locale in _SURNAME_LOCALES:
        out |= _faker_attr("person", locale, ("last_names",))
    return frozenset(n for n in out if n[:1].isupper() and _latin(n) and len(n) > 2)


@lru_cache(maxsize=1)
def cities() -> frozenset[str]:
    """German, Austrian and Swiss cities (Faker's address providers)."""
    out: set[str] = set()
    for locale in ("de_DE", "de_AT", "de_CH"):
        out |= _faker_attr("address", locale, ("cities",))
    return frozenset(out - not_places())


@lru_cache(maxsize=1)
def not_places() -> frozenset[str]:
    """Countries and German/Austrian/Swiss states: places that identify nobody."""
    out: set[str] = {"Deutschland", "Europa", "Bund", "EU"}
    for locale in ("de_DE", "de_AT", "de_CH"):
        out |= _faker_attr("address", locale, ("countries", "states"))
    return frozenset(out)


# --- the word table: common words, stop words and word classes, cached ------------------
#
# Reading spaCy's lemma table (355,000 forms) and its Brown clusters (a million words) costs
# seconds on every run. What detection asks of them is a few bits per word, so the first run
# writes those bits, a sorted line per word, to a file in the user's cache folder
# (``$XDG_CACHE_HOME/qca``, else ``~/.cache/qca``) named after the versions it was built
# from; later runs map the file and look up by binary search only the words they meet.
# Where the folder cannot be written, the bits stay in memory for the run.

_CACHE_FORMAT = 2
_PERSON, _PLACE, _OTHER, _LOWER_COMMON, _CASED_COMMON, _STOP = 1, 2, 4, 8, 16, 32


def cache_dir() -> Path:
    """Where the word table is cached: ``$XDG_CACHE_HOME/qca``, else ``~/.cache/qca``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qca"


def _cache_file() -> Path:
    versions = ",".join(f"{d}={_version(d)}" for d in ("spacy-lookups-data", "spacy"))
    tag = hashlib.sha256(f"{_CACHE_FORMAT}:{versions}".encode()).hexdigest()[:12]
    return cache_dir() / f"lexicon-{tag}.tsv"


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "none"


def _word_bits() -> dict[str, int]:
    """The bits of every word, from the installed tables (the slow part)."""
    bits: dict[str, int] = defaultdict(int)
    for word, cluster in _clusters().items():
        if word[:1].isupper():
            bits[word] |= (_PLACE if cluster & 0b11111 == 0b10000 else
                           _PERSON if cluster & 0b1111 == 0b1000 else _OTHER)
    table, forms = _lemma_table()
    for word in (*table, *table.values()):
        if word == word.lower():
            bits[word] |= _LOWER_COMMON
    for word in {*table, *forms}:
        if word == word.lower():
            continue
        lemma = table.get(word)
        if lemma is not None and lemma != word or any(
                f not in (word + "s", word + "'s", word) for f in forms.get(word, ())):
            bits[word] |= _CASED_COMMON
    from spacy.lang.de.stop_words import STOP_WORDS

    for word in STOP_WORDS:
        if word == word.lower():
            bits[word] |= _STOP
    return bits


def _build_cache(path: Path, bits: dict[str, int]) -> None:
    """Lines ``word<TAB>bits``, sorted (code point order is UTF-8's byte order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    lines = (f"{w}\t{b}\n" for w, b in sorted(bits.items())
             if b and "\t" not in w and "\n" not in w and "\r" not in w)
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            handle.writelines(lines)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _search(table: mmap.mmap, key: bytes) -> int:
    """The bits of ``key`` in the sorted lines of ``table`` (binary search), else 0."""
    lo, hi = 0, len(table)
    while lo < hi:
        start = table.rfind(b"\n", 0, (lo + hi) // 2) + 1
        end = table.find(b"\n", start)
        tab = table.find(b"\t", start, end)
        word = table[start:tab]
        if word == key:
            return int(table[tab + 1:end])
        if word < key:
            lo = end + 1
        else:
            hi = start
    return 0


@lru_cache(maxsize=1)
def _lookup() -> Callable[[str], int]:
    path = _cache_file()
    if not path.exists():
        bits = _word_bits()
        try:
            _build_cache(path, bits)
        except OSError:
            return lambda word: bits.get(word, 0)
    try:
        with open(path, "rb") as handle:
            table = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # unreadable, or empty
        bits = _word_bits()
        return lambda word: bits.get(word, 0)
    return lambda word: _search(table, word.encode("utf-8"))


@lru_cache(maxsize=200_000)
def _bits(word: str) -> int:
    return _lookup()(word)


def is_common_word(word: str) -> bool:
    """Whether capitalised ``word`` is (also) a common German word, not only a name."""
    return bool(_bits(word.lower()) & _LOWER_COMMON or _bits(word) & _CASED_COMMON)


def is_stop_word(word: str) -> bool:
    """Whether ``word`` in lower case is a German function word (``Aber``, ``Lange``)."""
    return bool(_bits(word.lower()) & _STOP)


def is_other_word(word: str) -> bool:
    """Whether capitalised ``word`` has a Brown cluster off the people's and the towns'
    branches: a word in use (the table holds spaCy's million most frequent) that reads as
    neither a name nor a town (``Polizei``, ``Transkript``, ``Interview``)."""
    return bool(_bits(word) & _OTHER)


def cluster_kind(word: str) -> str | None:
    """``"person"`` or ``"place"`` when capitalised ``word``'s Brown cluster is on that
    branch, else None.

    The cluster ids store the path through the tree from the lowest bit up; people's names
    end in ``1000``, towns' in ``10000``.
    """
    bits = _bits(word)
    return "person" if bits & _PERSON else "place" if bits & _PLACE else None


def _lemma_table() -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "de_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        table: dict[str, str] = json.load(handle)
    forms: dict[str, set[str]] = defaultdict(set)
    for form, lemma in table.items():
        if form != lemma:
            forms[lemma].add(form)
    return table, {k: frozenset(v) for k, v in forms.items()}


def _clusters() -> dict[str, int]:
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "de_lexeme_cluster.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        table: dict[str, int] = json.load(handle)
    return table
