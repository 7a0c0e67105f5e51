"""Citation data before markup: [n] markers, quote spans inside chunks, and whether a passage supports a claim.

Pure functions shared by the answerers (extractive and LLM):

- ``parse_markers(text)``: every ``[1]``, ``[1, 2]``, ``[1][2]`` in an answer, with character spans.
- ``claims(text)``: the answer cut into the pieces each marker group vouches for (see ``Claim``).
- ``find_span(chunk_text, quote)``: where a quote sits in a chunk, layout-blind (same rule as
  ``kaynak.text.match_norm``), as ``(start, end)`` offsets into the chunk's own text.
- ``best_sentence(chunk_text, claim)``: the chunk sentence that best backs a claim, as a verbatim span.
- ``check_support(claim, passage, ...)``: the lexical support test (documented on the function).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from kaynak.lexicon import languages, lexicon
from kaynak.text import digits, fold_quotes, name_key

# ---------------------------------------------------------------------------------------------- markers

_MARKER = re.compile(r"\[\s*(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\s*\]")


@dataclass(frozen=True)
class Marker:
    """One bracket in the answer text: ``[1, 2]`` -> numbers (1, 2), start/end of the brackets."""

    numbers: tuple[int, ...]
    start: int
    end: int


def parse_markers(text: str) -> list[Marker]:
    """All citation brackets in `text`, in order. ``[1][2]`` gives two markers, ``[1, 2]`` one with two numbers."""
    return [
        Marker(tuple(int(x) for x in re.split(r"\s*[,;]\s*", m.group(1).strip())), m.start(), m.end())
        for m in _MARKER.finditer(text)
    ]


def strip_markers(text: str) -> str:
    """The text without its markers, spaces before punctuation tidied."""
    out = _MARKER.sub("", text)
    out = re.sub(r"[ \t]+([.,;:!?])", r"\1", out)
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def render_numbers(numbers: Iterable[int]) -> str:
    """Markers written the one way the UI expects: ``[1][2]``."""
    return "".join(f"[{n}]" for n in numbers)


@dataclass(frozen=True)
class Claim:
    """A marker group and the words it vouches for.

    `numbers` are the passages cited, in order, duplicates removed; `text` is the claim without markers;
    `start`/`end` span the group's brackets in the answer (adjacent brackets ``[1] [2]`` form one group).
    """

    numbers: tuple[int, ...]
    text: str
    start: int
    end: int


# A sentence ends at . ! ? … followed by whitespace or the end (so "94.565" and "2.5" do not split);
# markers written after the full stop ("... dolar. [1]") still belong to the sentence before them.
_SENT_END = re.compile(r"[.!?…]+(?:\s*\[\s*\d[\d\s,;]*\])*(?=\s|$)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, whitespace trimmed, markers kept with their sentence."""
    spans, pos = [], 0
    for m in _SENT_END.finditer(text):
        spans.append((pos, m.end()))
        pos = m.end()
    if text[pos:].strip():
        spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def claims(text: str) -> list[Claim]:
    """Cut an answer into (marker group, claim) pairs.

    A group's claim is the text of its sentence from the previous group in that sentence (or the sentence
    start) up to the group, so "A [1], and B [2]." gives "A" -> [1] and "and B" -> [2]. A piece shorter than
    three words (e.g. "dolar [1] ." tail) takes the whole sentence instead.
    """
    out: list[Claim] = []
    for s, e in sentence_spans(text):
        groups: list[list[Marker]] = []
        for m in parse_markers(text[s:e]):
            if groups and not text[s + groups[-1][-1].end : s + m.start].strip():
                groups[-1].append(m)
            else:
                groups.append([m])
        prev = 0
        for g in groups:
            piece = strip_markers(text[s + prev : s + g[0].start])
            if len(_WORD.findall(piece)) < 3:
                piece = strip_markers(text[s:e])
            nums = tuple(dict.fromkeys(n for m in g for n in m.numbers))
            out.append(Claim(nums, piece, s + g[0].start, s + g[-1].end))
            prev = g[-1].end
    return out


# ---------------------------------------------------------------------------------------------- spans


def _fold_char(ch: str) -> str:
    """One character folded for matching: quotes to ASCII, every i-like letter to 'i', casefolded."""
    ch = fold_quotes(ch)
    if ch in "İIı":
        return "i"
    return ch.casefold().replace("\u0307", "")


_HYPHEN_GAP = re.compile(r"\s*[-\u2010\u2011\u00ad]\s*")


def _norm_map(s: str) -> tuple[str, list[int]]:
    """match_norm-like folding of `s` plus, for each output character, the index it came from in `s`."""
    gaps = [(m.start(), m.end()) for m in _HYPHEN_GAP.finditer(s)]
    out: list[str] = []
    idx: list[int] = []
    g = 0
    i = 0
    while i < len(s):
        if g < len(gaps) and i == gaps[g][0]:
            i = gaps[g][1]
            g += 1
            continue
        ch = s[i]
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                idx.append(i)
            i += 1
            continue
        for c in _fold_char(ch):
            out.append(c)
            idx.append(i)
        i += 1
    while out and out[-1] == " ":
        out.pop()
        idx.pop()
    return "".join(out), idx


def find_span(chunk_text: str, quote: str) -> tuple[int, int] | None:
    """Offsets (start, end) of `quote` inside `chunk_text`, or None when the chunk does not hold it.

    Matching ignores layout the way the project's scorer does (quote marks, hyphen gaps, runs of
    whitespace, case, dotted/dotless i), so a quote typed with "'" is found where the chunk has "’";
    ``chunk_text[start:end]`` is always the chunk's own characters.
    """
    q, _ = _norm_map(quote.strip())
    if not q:
        return None
    t, idx = _norm_map(chunk_text)
    pos = t.find(q)
    if pos < 0:
        return None
    return idx[pos], idx[pos + len(q) - 1] + 1


# Sentence boundaries inside a chunk: end punctuation, then space, then something that can open a sentence.
_CHUNK_SENT = re.compile(r"(?<=[.!?…])[\"'”’)]*\s+(?=[\"'“‘(]?[A-ZÇĞİÖŞÜА-ЯЁӨҮҢ0-9%])")


def chunk_sentences(chunk_text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in a chunk, offsets into `chunk_text`."""
    spans, pos = [], 0
    for m in _CHUNK_SENT.finditer(chunk_text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(chunk_text)))
    out = []
    for s, e in spans:
        while s < e and chunk_text[s].isspace():
            s += 1
        while e > s and chunk_text[e - 1].isspace():
            e -= 1
        if s < e:
            out.append((s, e))
    return out


def best_sentence(chunk_text: str, claim: str) -> tuple[int, int]:
    """The chunk sentence sharing most with `claim` (numbers count double, then names across scripts, then
    stems).

    Ties go to the earlier sentence; a chunk with no overlap at all gives its first sentence.
    """
    sents = chunk_sentences(chunk_text) or [(0, len(chunk_text))]
    c_num, c_stems, c_names = numbers(claim), stems(claim), names(claim)

    def score(span: tuple[int, int]) -> float:
        s = chunk_text[span[0] : span[1]]
        return 2.0 * len(c_num & numbers(s)) + 1.5 * len(c_names & names(s)) + len(c_stems & stems(s))

    return max(sents, key=lambda sp: (score(sp), -sp[0]))


# ---------------------------------------------------------------------------------------------- tokens

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)

# Words that carry no content in a claim: the function words of every language kaynak has data for.
_STOP = frozenset().union(*(lexicon(lang).function_words for lang in languages()))


def _ascii_fold(s: str) -> str:
    """Diacritics and dotless i folded away, casefolded: "Kırgızistan'ın" -> "kirgizistan'in"."""
    s = fold_quotes(s).replace("ı", "i").replace("İ", "i").replace("I", "i")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def numbers(text: str) -> set[str]:
    """Numbers as digit strings with separators removed: "94.565", "94,565" -> "94565"; "%6" -> "6"."""
    return set(digits(text))


def _stem(word: str) -> str:
    """Crude language-neutral stem: apostrophe suffix cut, folded, first 5 letters (Turkish/Kyrgyz suffixes
    and Russian endings mostly sit after that)."""
    return _ascii_fold(re.split(r"['’]", word)[0])[:5]


def stems(text: str) -> set[str]:
    """Content-word stems of `text` (stop words and words under 3 letters dropped)."""
    out = set()
    for w in _WORD.findall(text):
        base = re.split(r"['’]", w)[0]
        if len(base) < 3 or base.casefold() in _STOP or _ascii_fold(base) in _STOP:
            continue
        out.add(_stem(base))
    return out


def names(text: str) -> set[str]:
    """Script-neutral keys (first 5 letters of `kaynak.text.name_key`) of the capitalised words that do not open
    a sentence: likely proper names, comparable across scripts ("Кыргызстан" and "Kyrgyzstan" -> "kirgi")."""
    out = set()
    for s, e in sentence_spans(text) or [(0, len(text))]:
        for i, m in enumerate(_WORD.finditer(text[s:e])):
            w = m.group()
            if i == 0 or not w[:1].isupper() or w.casefold() in _STOP or len(w) < 3:
                continue
            out.add(name_key(w)[:5])
    return out


# ---------------------------------------------------------------------------------------------- support

# Share of a claim's content-word stems that must appear in a passage written in the claim's language.
SAME_LANG_MIN_COVERAGE = 0.5
# Across languages words cannot be compared, so numbers and names carry the check: at least this share of
# the claim's anchors (numbers and capitalised names) must be in the passage.
CROSS_LANG_MIN_ANCHORS = 0.5
# Two name keys (5 letters) this alike (rapidfuzz ratio) are one name spelled in two languages: "turke"/"turki"
# (80), "kirgi"/"kirgi"; "uzbek"/"kirgi" are not.
NAME_SPELLING = 80.0


@dataclass(frozen=True)
class Support:
    ok: bool
    score: float
    why: str = ""


def check_support(
    claim: str,
    passage: str,
    *,
    same_lang: bool,
    context: Sequence[str] = (),
) -> Support:
    """Does `passage` back `claim`? A lexical test, deliberately simple and strict about numbers.

    1. Every number in the claim must appear in the passage (digit strings, separators ignored) — or, when the
       claim cites several passages at once, in one of the others given as `context`. Callers pass the
       passage with its section heading, which often names what a passage leaves implicit.
    2. Same language: every name the claim states is in the passage, and at least ``SAME_LANG_MIN_COVERAGE`` of
       the claim's content-word stems (5-letter
       prefixes, so Turkish suffixes do not matter) occur in the passage; halved when other cited
       passages share the claim.
    3. Different languages (an English answer over a Turkish passage): stems are useless, so anchors
       decide — numbers and capitalised names compared across scripts (`names`: Kyrgyzstan = Kırgızistan =
       Кыргызстан; spelled alike, Germany ~ Germania). At least ``CROSS_LANG_MIN_ANCHORS`` of the names and of all
       anchors must be in the passage and at least one must match; a claim with no anchor at all is not supported here (the caller's `similarity` may vouch).
    """
    c_nums = numbers(claim)
    p_nums = numbers(passage)
    ctx_nums = set().union(*(numbers(c) for c in context)) if context else set()
    missing = sorted(c_nums - p_nums - ctx_nums)
    if missing:
        return Support(False, 0.0, f"number {', '.join(missing)} not in the passage")
    c_names = names(claim)
    p_names = names(passage) | set().union(*(names(c) for c in context))
    if same_lang:
        unnamed = sorted(n for n in c_names if n not in p_names)
        if unnamed:
            return Support(False, 0.0, f"{', '.join(unnamed)} not named in the passage")
        c_st = stems(claim)
        if not c_st:
            ok = bool(c_nums & p_nums)
            return Support(ok, 1.0 if ok else 0.0, "" if ok else "no content words to check")
        cov = len(c_st & stems(passage)) / len(c_st)
        need = SAME_LANG_MIN_COVERAGE / (2 if context else 1)
        ok = cov >= need and (not c_nums or bool(c_nums & p_nums) or bool(context))
        return Support(ok, cov, "" if ok else f"only {cov:.0%} of its words are in the passage")
    anchors = len(c_nums) + len(c_names)
    if anchors == 0:
        return Support(False, 0.0, "no number or name to check across languages")
    named = [n for n in c_names if _spelled_alike(n, p_names)]
    if c_names and len(named) < CROSS_LANG_MIN_ANCHORS * len(c_names):
        missing = sorted(set(c_names) - set(named))
        return Support(False, 0.0, f"{', '.join(missing)} not named in the passage")
    hit = len(c_nums & p_nums) + len(named)
    share = hit / anchors
    need = CROSS_LANG_MIN_ANCHORS / (2 if context else 1)
    ok = hit >= 1 and share >= need
    return Support(ok, share, "" if ok else f"only {hit} of {anchors} numbers/names are in the passage")


def _spelled_alike(key: str, keys: set[str]) -> bool:
    """A name key against another script's or language's spelling of it ("turke" for Turkey, "turki" for
    Türkiye): the same key, or one this close (rapidfuzz ratio)."""
    return key in keys or process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=NAME_SPELLING) is not None
