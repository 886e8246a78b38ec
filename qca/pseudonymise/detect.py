"""Finding personal data in one text: persons, places, e-mail, phone, URL, IBAN, addresses.

Rules, applied to every text (all offline):

- **Patterns**: e-mail addresses, URLs, phone numbers (``+49``/``0`` and at least seven
  digits), IBANs, street addresses (``Lindenstraße 12``, with a following ``12345 Ort``),
  a postcode with its town (``12345 Auenfeld``).
- **Forms of address and titles**: ``Frau``, ``Herr``, ``Dr.``, ``Prof.`` and roles such as
  ``Bürgermeisterin`` before a capitalised word make that word (and up to two more, with
  ``von``/``van``/``de`` between) a person's name: ``Frau Dr. Seidel``, ``Bürgermeisterin
  Krüger``. The title stays, the name is replaced (``Frau Dr. [Person 1]``). A role alone
  (``die Moderatorin``, ``Herr Bürgermeister``) is no name, nor is ``eine Frau Anfang 40``.
- **Protocol speaker lines**: a line that begins with a name and a colon (``Seidel:``,
  ``Herr Brenner (Umweltamt):``); header labels (``Datum:``, ``Moderation:``) and roles
  (``Moderatorin:``) are no speakers.
- **Name lists** (:mod:`qca.pseudonymise.lexicon`): a first name, with the capitalised word
  after it as the surname (``Jana Seidel``); a listed surname alone when it is no common
  word (``Krüger`` yes, ``Koch`` only after ``Frau``).
- **Word classes**: a capitalised word whose Brown cluster (spaCy's German lexeme table) is
  that of people's names and that is no common word (``Haddad``, ``Kübra``).
- **Places**: ``Stadt``/``Gemeinde``/``Landkreis`` … + name, an office + a town-like word
  (``Kreisverwaltung Rhein-Erft``), a listed German, Austrian or Swiss city (also of two
  words), ``Bad``/``Sankt`` + name, ``in``/``aus``/``nach``/``zwischen``/``Richtung`` + a
  word of the towns' cluster or one no word list knows that ends like a town (``-bach``,
  ``-kirchen``), the next such word after ``und``/``oder`` (``nach Brühl oder Bonn``), and a
  word of the towns' cluster alone at a clause's start (``Zülpich plant …``).
  Offices (``das Ordnungsamt``) are no places and no persons.
- **Pieces of one name** are joined: an initial (``M. Berger``), two names with a space
  between (``Erdoğan Şahin``). In all-lower-case writing a listed first name is a name
  (``mit tim und lisa``); a capitalised stop word after ``Frau``/``Herr`` is a surname
  (``Herr Lange``); a feminine ``-in`` of a noun is a role (``Anwohnerin:``).
- **The user's list** (``--names``) and, when a genuine spaCy model is installed, its named
  entities (PER, LOC, ORG).

What is found once is a *term*; :class:`Terms` then finds every occurrence of every term in
every text of the project, so ``Seidel`` alone is replaced everywhere once ``Frau Seidel``
was found anywhere; a name that is also a word stays the word after an article or ``im``
(``Frau Winter`` … ``im Winter``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from qca.i18n import N_
from qca.pseudonymise import lexicon as lx

__all__ = [
    "ADDRESS",
    "EMAIL",
    "IBAN",
    "KINDS",
    "ORG",
    "PERSON",
    "PHONE",
    "PLACE",
    "URL",
    "Detector",
    "Finding",
    "Terms",
    "build_terms",
]

PERSON = "Person"
EMAIL = "E-Mail"
PHONE = "Telefon"
ADDRESS = "Adresse"
PLACE = "Ort"
URL = "URL"
IBAN = "IBAN"
ORG = "Organisation"
KINDS = (PERSON, PLACE, ORG, ADDRESS, EMAIL, PHONE, URL, IBAN)


@dataclass(frozen=True)
class Finding:
    """One piece of personal data in a text: ``text[start:end]``, of ``kind``.

    ``entity`` identifies who or what it is, so that ``Jana Seidel`` and ``Seidel`` get the
    same pseudonym; ``rule`` says which rule found it (for the dry run and the benchmark).
    """

    start: int
    end: int
    kind: str
    text: str
    entity: str
    rule: str


# --- patterns ----------------------------------------------------------------------------

_L = "A-Za-zÀ-ÖØ-öø-ɏ"  # Latin letters
_UP = "A-ZÀ-ÖØ-Þ"
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")
_URL_RE = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+[^\s<>\"')\].,;:!?]")
_PHONE_RE = re.compile(
    r"(?<![\w+/])(?:\+|00)?(?:49|43|41)?[ ]?(?:\(0\)[ ]?)?0?\d{2,5}(?:[ ]/[ ]|[ /.-])?\d{2,}"
    r"(?:[ /.-]?\d{2,}){0,3}"
    r"(?:[ ]?-[ ]?\d{1,5})?(?![\w/])"
)
_PHONE_PARENS_RE = re.compile(r"(?<![\w)])\(0[\d ]{2,7}\)[ ]?\d[\d /-]{2,14}\d(?![\w/])")
_IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,3})?\b")
_STREET_SUFFIX = (r"(?:straße|strasse|str\.|weg|allee|platz|gasse|ring|damm|ufer|chaussee|"
                  r"steig|pfad|markt|berg|hof|park|garten|zeile|stieg|kamp|wall)")
_STREET_SUFFIX_UP = (r"(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Ring|Damm|Ufer|Steig|"
                     r"Pfad|Markt)")  # after a hyphen: "Konrad-Adenauer-Platz"
_STREET_RE = re.compile(
    rf"(?<![\w-])(?:(?:Dr\.-|St\.-)?[{_UP}][{_L}ß-]*(?:{_STREET_SUFFIX}|-{_STREET_SUFFIX_UP})"
    rf"|(?:Am|An der|Auf dem|Im|In der|Zum|Zur)"
    rf"[ ][{_UP}][{_L}ß-]+)[ ]\d{{1,3}}(?:[ ]?[a-z])?(?:[ ]?[–-][ ]?\d{{1,3}}(?:[ ]?[a-z])?)?"
    rf"(?![\w.,]\d)\b"
    rf"(?:,?[ ]\d{{5}}[ ][{_UP}][{_L}ß-]+)?"
)
_POSTCODE_RE = re.compile(rf"(?<![\w-])(?:D-)?\d{{5}}[ ][{_UP}][{_L}ß-]+(?:[ ]\([^)]*\))?")
_WORD_RE = re.compile(
    rf"(?:Dipl\.-Ing\.|Dr\.|Prof\.|Hr\.|Fr\.|med\.|phil\.|rer\.|nat\.|h\.c\.)"
    rf"|[{_L}][{_L}ß'’]*(?:-(?:[ \t]*\n[ \t]*(?=[a-zäöüß]))?[{_L}ß'’]+)*"
)
_SPEAKER_RE = re.compile(r"^[ \t]*(?:[-–•*][ \t]*)?([^\n:]{1,60}?)[ \t]*(?:\([^)\n]*\))?[ \t]*:",
                         re.MULTILINE)
_LIST_RE = re.compile(r"^[ \t]*[-–•*][ \t]*([^\n,(:;]{3,60}?)[ \t]*(?:,|\(|$)", re.MULTILINE)
_PARTICLES = frozenset({"von", "van", "de", "der", "den", "zu", "vom", "di", "da", "del",
                        "al", "el", "ter", "ten"})
_ARTICLES = frozenset({"der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem",
                       "einer", "eines", "jede", "jeder", "jedem", "jeden", "keine", "kein",
                       "keiner", "keinem", "diese", "dieser", "diesem", "jene", "welche",
                       "unsere", "unserer", "ihre", "seine", "meine", "andere", "anderen",
                       "junge", "jungen", "ältere", "älteren"})
#: Words after which a name that is also a common word is that word: "im Winter".
_NOT_BEFORE_NAMES = _ARTICLES | frozenset({
    "im", "am", "vom", "zum", "zur", "beim", "ins", "ans", "übers", "fürs", "letzten",
    "nächsten", "kommenden", "vergangenen", "ganzen", "diesen", "jeden", "einem"})
_PLACE_PREPS = frozenset({"in", "aus", "nach", "zwischen", "Richtung"})
#: Words that begin a town's name of two words: "Bad Honnef", "Sankt Augustin".
_PLACE_PREFIXES = frozenset({"Bad", "Sankt", "St.", "Bergisch", "Schwäbisch", "Hansestadt"})


@dataclass(frozen=True)
class _Tok:
    start: int
    end: int
    text: str  # hyphenation at a line end removed: "Ober-\nländer" reads "Oberländer"


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.start(), m.end(), _dehyphen(m.group())) for m in _WORD_RE.finditer(text)]


def _dehyphen(value: str) -> str:
    return re.sub(r"-[ \t]*\n[ \t]*(?=[a-zäöüß])", "", value)


def _is_cap(word: str) -> bool:
    return word[:1].isupper() and not word.isupper() or (word.isupper() and len(word) > 3)


def _title_case(word: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-")) if word.isupper() \
        else word


def _compound(word: str) -> bool:
    """Whether ``word`` ends in a common noun of four letters or more (``Stadtplanung``)."""
    for i in range(3, len(word) - 3):
        tail = word[i].upper() + word[i + 1:]
        if len(tail) >= 4 and lx.is_common_word(tail) and tail not in lx.first_names():
            return True
    return False


def _common(word: str) -> bool:
    """A common word that is not used as a name, too (``Thomas`` is the plural of
    ``Thoma`` in the lemma table, and a name by its cluster)."""
    return lx.is_common_word(word) and lx.cluster_kind(word) != "person"


def _listed(word: str) -> bool:
    return word in lx.first_names() or word in lx.surnames()


def _blocked(word: str, stop_words: bool = True) -> bool:
    """A word that never is (part of) a name; with ``stop_words=False`` a capitalised stop
    word may be one (after a form of address: ``Herr Lange``, ``Frau Groß``)."""
    w = _title_case(word)
    return (not _is_cap(word) or w in lx.FUNCTION_WORDS or (stop_words and lx.is_stop_word(w))
            or w in lx.HEADER_WORDS or w in lx.ADDRESS_WORDS or w in lx.TITLE_WORDS or w in lx.PLACE_WORDS
            or lx.is_role_word(w) or lx.is_office_word(w))


def _namelike(word: str) -> bool:
    """A capitalised word that reads as a name without context: no common word, no compound
    of one, or a listed name that is no common word."""
    w = _title_case(word)
    if _blocked(word) or lx.is_common_word(w.split("-")[-1]):
        return False
    if _listed(w) or lx.cluster_kind(w) == "person":
        return True
    return not lx.is_other_word(w) and not _compound(w)


_PLACE_SUFFIXES = ("bach", "dorf", "feld", "felde", "hausen", "heim", "berg", "burg", "stadt",
                   "hagen", "brück", "brücken", "kirchen", "rode", "born", "ingen", "stedt",
                   "leben", "au", "tal", "wald", "hofen", "furt", "beck", "büttel", "ow", "itz")
#: Endings of abstract nouns, which the towns' word class holds, too (``Rassismus``).
_ABSTRACT_SUFFIXES = ("ismus", "ung", "heit", "keit", "schaft", "tät", "tion", "ment", "nis",
                      "tum", "ie", "ik", "enz", "anz", "ur", "isch")
_DIRECTIONS = frozenset({"Nord", "Süd", "Ost", "West", "Mitte", "Zentrum", "Altstadt"})


def _town(word: str) -> bool:
    return word not in lx.FUNCTION_WORDS and not lx.is_common_word(word)


def _placelike(word: str) -> bool:
    """A capitalised word that reads as a town's name after ``in``/``aus``/``nach``: no common
    word, no name, and a compound only when it ends like a town (``-bach``, ``-kirchen``)."""
    head, _, tail = word.partition("-")
    if tail and tail not in _DIRECTIONS:
        head = word
    if _blocked(word) or lx.is_common_word(head) or _listed(head) or head in lx.not_places():
        return False
    if lx.cluster_kind(head) == "place" or tail in _DIRECTIONS:
        return True
    if lx.is_other_word(head):
        return False
    return not _compound(head) or head.lower().endswith(_PLACE_SUFFIXES)


def _title_like(word: str) -> bool:
    """A form of address, a title or a role: what may stand before a name."""
    return word in lx.ADDRESS_WORDS or word in lx.TITLE_WORDS or (
        lx.is_role_word(word) and _is_cap(word))


def _initial(text: str, tok: _Tok, nxt: _Tok) -> bool:
    """Whether ``tok`` is an initial (``H.``) right before ``nxt``."""
    return len(tok.text) == 1 and tok.text.isupper() and \
        text[tok.end:nxt.start] in (". ", ".")


def _only_space(text: str, a: _Tok, b: _Tok) -> bool:
    gap = text[a.end:b.start]
    return gap.strip() == "" and gap.count("\n") <= 1 and len(gap) <= 3


class Detector:
    """Finds personal data in texts; configure once per project.

    Args:
        names: The user's own terms: a person's name per entry, or ``(kind, term)`` pairs.
        keep: Terms never to replace (a study site's name, a word taken for a name).
        ner: A spaCy pipeline with an ``ner`` pipe (a genuine model), or None.
    """

    def __init__(
        self,
        names: Iterable[str | tuple[str, str]] = (),
        keep: Iterable[str] = (),
        ner: Any = None,
    ) -> None:
        self.user: list[tuple[str, str]] = [
            (PERSON, n) if isinstance(n, str) else (n[0], n[1]) for n in names
        ]
        self.keep = frozenset(k.strip() for k in keep if k.strip())
        self.ner = ner

    # -- the rules --------------------------------------------------------------------------

    def find(self, text: str, doc: Any = None) -> list[Finding]:
        """Every finding in ``text``, overlaps resolved (the longest wins, then the first).

        ``doc``: the NER pipeline's result for ``text`` when the caller ran it already
        (:meth:`find_all` runs it in batches)."""
        found: list[Finding] = []
        found += self._patterns(text)
        toks = _tokens(text)
        found += self._addressed(text, toks)
        found += self._speakers(text)
        found += self._lists(text)
        found += self._lowercase(text, toks)
        found += self._listed_names(text, toks)
        found += self._places(text, toks)
        found += self._user(text)
        if self.ner is not None:
            found += self._entities(text, doc)
        return _join_names(text, _resolve([f for f in found if f.text not in self.keep]))

    def _patterns(self, text: str) -> Iterator[Finding]:
        for rx, kind in ((_EMAIL_RE, EMAIL), (_URL_RE, URL), (_IBAN_RE, IBAN),
                         (_STREET_RE, ADDRESS), (_POSTCODE_RE, ADDRESS)):
            for m in rx.finditer(text):
                value = m.group()
                if rx is _POSTCODE_RE and not _town(value.split()[1]):
                    continue  # "50000 Euro", "12000 Einwohner"
                yield Finding(m.start(), m.end(), kind, value, _entity(kind, value), N_("pattern"))
        for m in _PHONE_PARENS_RE.finditer(text):
            value = m.group()
            yield Finding(m.start(), m.end(), PHONE, value, _entity(PHONE, value), N_("pattern"))
        for m in _PHONE_RE.finditer(text):
            value = m.group().strip()
            digits = re.sub(r"\D", "", value)
            if len(digits) < 7 or not (value.startswith(("+", "0")) or "/" in value):
                continue
            if re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2,4}|(19|20)\d\d", value):
                continue  # a date or a year
            yield Finding(m.start(), m.start() + len(value), PHONE, value,
                          _entity(PHONE, value), N_("pattern"))

    def _name_run(self, text: str, toks: list[_Tok], i: int, lenient: bool) -> int:
        """The index past the name that starts at ``toks[i]`` (``i`` when none does).

        Particles stand inside a name (``Ilse von der Heide``) or, after a form of address,
        begin it (``Frau von der Heide``), but not ``der`` alone (``Herr der Lage``)."""
        j, names, particles = i, 0, 0
        while j < len(toks) and names < 3:
            tok = toks[j]
            if j > i and not _only_space(text, toks[j - 1], tok):
                break
            if tok.text in _PARTICLES:
                k = j
                while k < len(toks) and toks[k].text in _PARTICLES:
                    k += 1
                starts = lenient and names == 0 and tok.text not in ("der", "den")
                inside = names == 1  # "Ilse von der Heide", not "Yusuf Demirci von der Caritas"
                if k < len(toks) and _is_cap(toks[k].text) and k - j <= 3 and (inside or
                                                                                  starts):
                    particles, j = k - j, k
                    continue
                break
            word = _title_case(tok.text)
            if _blocked(tok.text, stop_words=not lenient):
                break
            if names == 0 and not lenient and not _namelike(tok.text):
                break
            if names == 0 and particles == 1 and _common(word) and word not in lx.surnames():
                break  # "Herr von Anfang an"
            if names > 0 and _common(word) and word not in lx.surnames() and not particles:
                break
            names += 1
            j += 1
        while j > i and toks[j - 1].text in _PARTICLES:  # "Lehmkuhl vom Sozialamt"
            j -= 1
        return j if names else i

    def _addressed(self, text: str, toks: list[_Tok]) -> Iterator[Finding]:
        """A name after forms of address, titles and roles (``Frau Dr. Seidel``)."""
        i = 0
        while i < len(toks):
            if not _title_like(toks[i].text):
                i += 1
                continue
            j = i + 1
            while j < len(toks) and _title_like(toks[j].text) and \
                    _only_space(text, toks[j - 1], toks[j]):
                j += 1
            if j >= len(toks) or not _only_space(text, toks[j - 1], toks[j]):
                i = j
                continue
            chain = [t.text for t in toks[i:j]]
            while j + 1 < len(toks) and _initial(text, toks[j], toks[j + 1]):
                j += 1  # "Prof. H. Vossberg": the name after the initials, which join it
            article = i > 0 and toks[i - 1].text.lower() in _ARTICLES and \
                _only_space(text, toks[i - 1], toks[i])
            # after an article, Frau and Herr alone are nouns: "eine Frau Mitte fünfzig"
            addressed = any(w not in lx.ADDRESS_WORDS or not article for w in chain)
            only_role = all(lx.is_role_word(w) for w in chain)
            end = self._name_run(text, toks, j, addressed and not only_role)
            if end == j and article and _listed(_title_case(toks[j].text)):
                end = self._name_run(text, toks, j, True)  # "die Frau Sabine ..."
            if end > j:
                yield _person(text, toks[j].start, toks[end - 1].end, N_("form of address"))
            i = max(end, j)

    def _lowercase(self, text: str, toks: list[_Tok]) -> Iterator[Finding]:
        """In all-lower-case writing ("bei herrn schulte"): the word after a lower-case
        form of address, which correct German never writes, and a listed first name that
        is no common word (``mit tim und lisa``)."""
        words = [t.text for t in toks if len(t.text) > 2]
        if words and sum(w[:1].isupper() for w in words) <= len(words) // 20:
            for tok in toks:
                name = tok.text.capitalize()
                if tok.text.islower() and len(tok.text) > 2 and name in lx.first_names() \
                        and not lx.is_common_word(name) and not lx.is_stop_word(name) \
                        and not lx.is_other_word(name):
                    yield _person(text, tok.start, tok.end, N_("lower case"))
        for a, b in zip(toks, toks[1:], strict=False):
            if a.text in ("frau", "herr", "herrn") and b.text.islower() and len(b.text) > 2 \
                    and _only_space(text, a, b) and not lx.is_stop_word(b.text) \
                    and not lx.is_role_word(b.text) and not lx.is_office_word(b.text):
                yield _person(text, b.start, b.end, N_("lower case"))

    def _lists(self, text: str) -> Iterator[Finding]:
        """A protocol's list of those present: ``- Nnamdi Okafor, Integrationsrat``."""
        for m in _LIST_RE.finditer(text):
            toks = _tokens(m.group(1))
            k = 0
            while k < len(toks) and (toks[k].text in lx.TITLE_WORDS
                                     or toks[k].text in lx.ADDRESS_WORDS):
                k += 1
            rest = toks[k:]
            if not 2 <= len(rest) <= 3 or any(_blocked(t.text) for t in rest):
                continue
            if any(lx.is_common_word(_title_case(t.text)) and t.text not in lx.surnames()
                   for t in rest):
                continue
            base = m.start(1)
            yield _person(text, base + rest[0].start, base + rest[-1].end,
                          N_("list of those present"))

    def _speakers(self, text: str) -> Iterator[Finding]:
        for m in _SPEAKER_RE.finditer(text):
            label = m.group(1)
            toks = _tokens(label)
            if not toks or len(toks) > 5 or label.count(" ") > 5:
                continue
            k = 0
            while k < len(toks) and _title_like(toks[k].text):
                k += 1
            rest = toks[k:]
            if not rest or any(_blocked(t.text) for t in rest) or \
                    any(t.text not in _PARTICLES and not _is_cap(t.text) for t in rest):
                continue
            addressed = any(not lx.is_role_word(t.text) for t in toks[:k])
            if not addressed and not all(_namelike(t.text) or _listed(_title_case(t.text))
                                         and not lx.is_common_word(_title_case(t.text))
                                         for t in rest):
                continue  # "Moderatorin:", "Vertreter Polizei:"
            base = m.start(1)
            yield _person(text, base + rest[0].start, base + rest[-1].end, N_("speaker"))

    def _listed_names(self, text: str, toks: list[_Tok]) -> Iterator[Finding]:
        firsts, lasts = lx.first_names(), lx.surnames()
        i = 0
        while i < len(toks):
            word = toks[i].text
            prev = toks[i - 1].text if i else ""
            if prev in lx.ADDRESS_WORDS or prev in lx.TITLE_WORDS:
                i += 1
                continue
            if word in firsts and not _common(word) and not _blocked(word):
                end = self._name_run(text, toks, i, True)
                alone = end == i + 1
                after_article = i > 0 and _only_space(text, toks[i - 1], toks[i]) and (
                    prev.lower() in _ARTICLES or (prev.islower() and prev.endswith("en")))
                if not (alone and after_article):
                    yield _person(text, toks[i].start, toks[end - 1].end, N_("first name"))
                i = end
                continue
            if word in lasts and _namelike(word):
                yield _person(text, toks[i].start, toks[i].end, N_("surname"))
            elif lx.cluster_kind(word) == "person" and not lx.is_common_word(word) and \
                    not _blocked(word) and not (i and prev.lower() in _ARTICLES):
                end = self._name_run(text, toks, i, False)
                if end > i:
                    yield _person(text, toks[i].start, toks[end - 1].end, N_("name cluster"))
                    i = end
                    continue
            i += 1

    def _places(self, text: str, toks: list[_Tok]) -> Iterator[Finding]:
        cities = lx.cities()
        found: list[Finding] = []
        for i, tok in enumerate(toks):
            word = tok.text
            nxt = toks[i + 1] if i + 1 < len(toks) and _only_space(text, tok, toks[i + 1]) \
                else None
            if nxt is not None and (f"{word} {nxt.text}" in cities or (
                    word in _PLACE_PREFIXES and _is_cap(nxt.text)
                    and not lx.is_common_word(nxt.text))):
                found.append(_place(tok.start, nxt.end, text[tok.start:nxt.end], N_("city list")))
            elif (word in cities or word.split("-")[0] in cities) and \
                    not lx.is_common_word(word):
                found.append(_place(tok.start, tok.end, word, N_("city list")))
            elif self._bare_town(text, toks, i):
                found.append(_place(tok.start, tok.end, word, N_("town's word class")))
            if nxt is None or nxt.text in lx.not_places() or not _is_cap(nxt.text):
                continue
            if word in lx.PLACE_WORDS and not _blocked(nxt.text) and \
                    not lx.is_common_word(nxt.text) or lx.is_office_word(word) and \
                    _placelike(nxt.text):  # "Kreisverwaltung Rhein-Erft"
                found.append(_place(nxt.start, nxt.end, nxt.text, N_("place word")))
            elif (word.lower() in _PLACE_PREPS or word in _PLACE_PREPS) and \
                    _placelike(nxt.text):
                found.append(_place(nxt.start, nxt.end, nxt.text, N_("in/aus/nach")))
        yield from found
        yield from self._coordinated(text, toks, found)

    @staticmethod
    def _bare_town(text: str, toks: list[_Tok], i: int) -> bool:
        """A word of the towns' word class that no list knows otherwise, at the start of a
        clause or ending like a town: ``Zülpich plant …``, ``…, davor Offenbach`` (not
        ``als Wetter``)."""
        word = toks[i].text
        if i and not re.search(r"[.,;:!?()\n–]", text[toks[i - 1].end:toks[i].start]) and \
                not word.lower().endswith(_PLACE_SUFFIXES):
            return False
        if lx.cluster_kind(word) != "place" or _blocked(word) or lx.is_common_word(word) \
                or _listed(word) or word in lx.not_places() or lx.is_stop_word(word) \
                or word.lower().endswith(_ABSTRACT_SUFFIXES):
            return False
        if _compound(word) and not word.lower().endswith(_PLACE_SUFFIXES):
            return False  # "Zeitmangel", "Beschwerdemanagement"
        return True

    @staticmethod
    def _coordinated(text: str, toks: list[_Tok], found: list[Finding]) -> Iterator[Finding]:
        """A town-like word joined to a found place by ``und``/``oder`` (``nach Brühl oder
        Bonn``, ``zwischen Jülich und Linnich``)."""
        by_start = {t.start: k for k, t in enumerate(toks)}
        for f in found:
            k = next((by_start[t.start] for t in toks if t.start >= f.end), None)
            if k is None or k + 1 >= len(toks) or text[f.end:toks[k].start].strip():
                continue
            joint, cand = toks[k], toks[k + 1]
            if joint.text in ("und", "oder") and _only_space(text, joint, cand) and \
                    _placelike(cand.text):
                yield _place(cand.start, cand.end, cand.text, N_("in/aus/nach"))

    def _user(self, text: str) -> Iterator[Finding]:
        for kind, term in self.user:
            for m in _term_re([term]).finditer(text):
                yield Finding(m.start(), m.end(), kind, term, _entity(kind, term), N_("your list"))

    def find_all(self, texts: Iterable[str]) -> Iterator[list[Finding]]:
        """:meth:`find` for each of ``texts``, the NER pipeline run in batches."""
        if self.ner is None:
            yield from (self.find(t) for t in texts)
            return
        items = list(texts)
        for text, doc in zip(items, self.ner.pipe(items, batch_size=64), strict=True):
            yield self.find(text, doc)

    def _entities(self, text: str, doc: Any = None) -> Iterator[Finding]:
        labels = {"PER": PERSON, "PERSON": PERSON, "LOC": PLACE, "GPE": PLACE, "ORG": ORG}
        for ent in (doc if doc is not None else self.ner(text)).ents:
            kind = labels.get(ent.label_)
            if kind is None:
                continue
            words = [t for t in ent if not t.is_punct]
            while words and (words[0].text in lx.ADDRESS_WORDS or words[0].text in lx.TITLE_WORDS
                             or lx.is_role_word(words[0].text)):
                words = words[1:]
            if not words or all(_blocked(t.text) or lx.is_common_word(t.text) for t in words):
                continue
            if kind == PLACE and ent.text in lx.not_places():
                continue
            start, end = words[0].idx, words[-1].idx + len(words[-1].text)
            if kind == PERSON:
                yield _person(text, start, end, N_("spaCy NER"))
            else:
                value = text[start:end]
                yield Finding(start, end, kind, value, _entity(kind, value), N_("spaCy NER"))


def _entity(kind: str, value: str) -> str:
    if kind == EMAIL or kind == URL:
        return f"{kind}:{value.lower()}"
    if kind in (PHONE, IBAN):
        return f"{kind}:{re.sub(r'[^0-9A-Z]', '', value.upper())}"
    if kind == PERSON:
        return f"{kind}:{_title_case(_dehyphen(value).split()[-1])}"
    return f"{kind}:{_dehyphen(value)}"


def _person(text: str, start: int, end: int, rule: str) -> Finding:
    value = text[start:end]
    return Finding(start, end, PERSON, value, _entity(PERSON, value), rule)


def _place(start: int, end: int, value: str, rule: str) -> Finding:
    return Finding(start, end, PLACE, value, _entity(PLACE, value), rule)


_INITIAL_RE = re.compile(rf"(?<![\w.])(?<!\ba\. )(?:[{_UP}]\.[ ]?-?)+[ ]?$")


def _join_names(text: str, found: list[Finding]) -> list[Finding]:
    """Names in one piece: an initial before a name joins it (``M. Berger``), and two
    names with only a space between are one (``Erdoğan Şahin`` found word by word)."""
    out: list[Finding] = []
    for f in found:
        if f.kind == PERSON:
            m = _INITIAL_RE.search(text, max(0, f.start - 12), f.start)
            if m and (not out or out[-1].end <= m.start()):
                f = _person(text, m.start(), f.end, f.rule)
            if out and out[-1].kind == PERSON and text[out[-1].end:f.start] == " ":
                f = _person(text, out.pop().start, f.end, f.rule)
        out.append(f)
    return out


def _resolve(found: list[Finding]) -> list[Finding]:
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    out: list[Finding] = []
    for f in found:
        if out and f.start < out[-1].end:
            if f.end - f.start > out[-1].end - out[-1].start and f.start == out[-1].start:
                out[-1] = f
            continue
        out.append(f)
    return out


def _term_re(terms: Iterable[str]) -> re.Pattern[str]:
    alts = "|".join(re.escape(t) for t in sorted(set(terms), key=lambda t: (-len(t), t)))
    return re.compile(rf"(?<![\w@.-])(?:{alts})(?=s?(?![\w@-]))" if alts else r"(?!x)x")


class Terms:
    """Every term found anywhere in the project, and where each occurs in a text.

    A term is a finding's text; all texts of a person (``Jana Seidel``, ``Seidel``,
    ``Jana``) share its entity and so its pseudonym. A first name that belongs to several
    people becomes an entity of its own.
    """

    def __init__(self) -> None:
        self.kind: dict[str, str] = {}
        self.entity: dict[str, str] = {}
        self._first: dict[str, set[str]] = {}
        self._regex: re.Pattern[str] | None = None

    def add(self, finding: Finding) -> None:
        term = finding.text
        if term in self.entity:
            return
        self._regex = None
        self.kind[term] = finding.kind
        self.entity[term] = finding.entity
        if finding.kind == PERSON:
            words = _dehyphen(term).split()
            surname = words[-1]
            if len(words) > 1 and surname not in self.entity:
                self.kind[surname], self.entity[surname] = PERSON, finding.entity
            if len(words) > 1 and words[0] in lx.first_names():
                self._first.setdefault(words[0], set()).add(finding.entity)

    def settle(self) -> None:
        """Give each first name met alone the entity of the one person who bears it, and
        drop a genitive (``Yılmazs``) where the name itself is a term: the name is replaced
        and the ``s`` stays."""
        for term in [t for t, k in self.kind.items() if k == PERSON]:
            if term.endswith("s") and " " not in term and self.kind.get(term[:-1]) == PERSON:
                del self.kind[term], self.entity[term]
        self._regex = None
        for first, entities in self._first.items():
            if len(entities) == 1 and self.kind.get(first) == PERSON:
                self.entity[first] = next(iter(entities))

    def occurrences(self, text: str) -> list[tuple[int, int, str]]:
        """``(start, end, term)`` of every term in ``text``, left to right, not overlapping.

        A person's name that is also a common word (``Koch``) is skipped after an article.
        """
        if not self.entity:
            return []
        if self._regex is None:
            self._regex = _term_re(self.entity)
        out = []
        for m in self._regex.finditer(text):
            term = m.group()
            if self.kind[term] == PERSON and " " not in term and lx.is_common_word(term):
                before = text[:m.start()].rstrip().rsplit(None, 1)
                if before and before[-1].lower() in _NOT_BEFORE_NAMES:
                    continue
            out.append((m.start(), m.end(), term))
        return out


def build_terms(texts: Iterable[str], detector: Detector,
                extra: Iterable[Finding] = ()) -> tuple[Terms, dict[str, int]]:
    """The terms of a whole project: ``extra`` findings, then every finding of ``detector``
    in ``texts``; also how many findings each rule made."""
    terms = Terms()
    rules: dict[str, int] = {}
    for finding in extra:
        terms.add(finding)
    for findings in detector.find_all(texts):
        for finding in findings:
            rules[finding.rule] = rules.get(finding.rule, 0) + 1
            terms.add(finding)
    terms.settle()
    return terms, rules
