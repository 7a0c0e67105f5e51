"""Word tokens for BM25 over Turkish, Kyrgyz, Russian and English text.

One pipeline, applied the same way to passages and to queries so that both sides meet on the same tokens:

1. Unicode NFC, typographic apostrophes to ASCII (``kaynak.text.fold_quotes``), soft hyphens dropped.
2. Tokens: a number with inner separators is kept whole ("1.050.000", "339.998", "3,561", "53,35"); otherwise a
   run of letters/digits. An apostrophe and the letters after it are a Turkish case suffix and are dropped
   ("Türkiye'nin", "Türkiye’nin", "2019'da" -> "türkiye", "2019"); so is the English possessive. "%70" -> "70"
   (the sign is punctuation). Hyphens split ("Su-25" -> "su", "25").
3. Lower-casing: Latin tokens with Turkish rules (``tr_lower``: "İ" -> "i", "I" -> "ı"), Cyrillic with
   ``str.lower``. Stopwords (per language, compact lists) are removed on this lowered form.
4. Stemming by the token's language: the text's language when the token is in that language's script;
   otherwise the script decides (a Latin name in a Russian question is treated as Turkish, a Cyrillic word in
   an English text as Russian). Snowball (PyStemmer) for en and ru. Turkish and Kyrgyz words are cut to their
   first ``TR_PREFIX`` / ``KY_PREFIX`` letters, the usual stand-in for stemming agglutinative languages (Can et
   al. 2008 found 5-6 letter prefixes as good as lemmatising for Turkish IR). Kyrgyz has no Snowball stemmer;
   for Turkish, prefixes measured better than Snowball Turkish on the dev set (benchmarks/lexical.py, k1=1.2; R@1 on
   Turkish questions 0.75 vs 0.70, R@10 on English ones 0.63 vs 0.58), and Snowball Turkish treats names
   inconsistently ("türkiye" -> "türki" but "türkiyenin" -> "türkiye"; "kırgızistan" -> "kırgızis" but
   "kırgızistanın" -> "kırgızista"). Tokens with digits are never stemmed.
5. Folding (before cutting a prefix, after the English stemmer): Latin letters lose
   their diacritics (ı->i, ş->s, ğ->g, ç->c, ö->o, ü->u, â/î/û->a/i/u); Kyrgyz ө/ү/ң -> о/у/н.

Why step 5 folds "ı" into "i": with Turkish lower-casing alone "Istanbul" (English spelling) becomes
"ıstanbul" and misses "İstanbul"; with ``casefold`` alone "İstanbul" becomes "i̇stanbul" (combining dot).
Lower-casing the Turkish way and then merging ı/i makes "İstanbul", "Istanbul", "istanbul" and "ISTANBUL"
one token in every language. The same step makes English spellings of Turkish names meet the Turkish ones
("Turkmenistan"/"Türkmenistan", "Yildiz"/"Yıldız", "TUSAS"/"TUSAŞ"); the few Turkish words it merges are
a small cost for BM25 (measured in benchmarks/lexical.py: folding only ı/i gave R@10 0.53 on English questions, full folding 0.58). The Kyrgyz fold makes text typed with Russian
look-alike letters (о for ө, у for ү, н for ң) still match.

Queries (``query_tokens``) may be stemmed two ways: Latin words of an English (or undetected Latin) query are
stemmed both the English way and the Turkish way, and the union is used. The corpus is mostly Turkish,
so names and loan words in English questions ("Eximbank's", "Kastamonu") then meet their Turkish forms.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer
from bm25s.stopwords import STOPWORDS_EN_PLUS, STOPWORDS_RUSSIAN, STOPWORDS_TURKISH

from kaynak.text import fold_quotes, tr_lower

# Bump when any rule changes: a saved index built with other tokens must not be searched with these.
TOKENIZER_VERSION = "1"
TR_PREFIX = 6  # Turkish words keep this many letters (k1=1.2: R@1 on tr questions 0.65 at 5, 0.75 at 6 and 7; R@10 on en 0.68/0.63/0.53)
KY_PREFIX = 6  # Kyrgyz: same rule; the dev set has too few Kyrgyz questions (2) to tell 4..7 apart

_SNOWBALL = {"en": "english", "ru": "russian"}
_EXTRA_QUOTES = str.maketrans({"\u02bc": "'", "\u2032": "'", "\u00ad": None})
# A number with inner separators is one token; else a letter/digit run; then an optional apostrophe suffix.
_TOKEN = re.compile(r"(\d+(?:[.,]\d+)+|[^\W_]+)(?:'[^\W\d_]*)?")
_LATIN_FOLD = str.maketrans("ışğçöüâîûäëïÿ", "isgcouaiuaeiy")
_KY_FOLD = str.maketrans("өүң", "оун")
_KY_LETTERS = frozenset("өүңӨҮҢ")
_TR_LETTERS = frozenset("ğışçöüĞİŞÇÖÜ")

_STOPWORDS: dict[str, frozenset[str]] = {
    "tr": frozenset(STOPWORDS_TURKISH)
    | frozenset("kaç nedir neler hangisi hangisidir mı mu mü mi bir iki olan olarak ise idi".split()),
    "en": frozenset(STOPWORDS_EN_PLUS) | frozenset("many much would could also according".split()),
    "ru": frozenset(STOPWORDS_RUSSIAN) | frozenset("каков какова каково каковы сколько который которая".split()),
    # Kyrgyz: no list ships with bm25s; conjunctions, postpositions, pronouns and question words.
    "ky": frozenset(
        "жана менен үчүн деген боюнча ким эмне качан канча кайсы кандай кантип ортосунда ортосундагы болгон бул "
        "ал алар да дагы же бир эки ошол ушул мен сен биз силер анын анда мында ар бардык андан ошондой ошону "
        "болуп болот болгондуктан тарабынан аркылуу сыяктуу катары менен эле гана ле го эч".split()
    ),
}


def _script(token: str) -> str:
    """"cyr" when the token's first letter is Cyrillic, else "lat" (digits-only tokens count as Latin)."""
    for ch in token:
        if ch.isalpha():
            return "cyr" if "\u0400" <= ch <= "\u04ff" else "lat"
    return "lat"


def guess_lang(text: str) -> str:
    """Language by script, for text whose language is unknown: Cyrillic -> ky if it has ө/ү/ң else ru;
    Latin -> tr if it has a Turkish letter else en. (kaynak.lang.detect_lang is the full detector.)"""
    cyr = lat = 0
    for ch in text:
        if ch.isalpha():
            if "\u0400" <= ch <= "\u04ff":
                cyr += 1
            else:
                lat += 1
    if cyr > lat:
        return "ky" if any(ch in _KY_LETTERS for ch in text) else "ru"
    return "tr" if any(ch in _TR_LETTERS for ch in text) else "en"


_LANG_SCRIPT = {"tr": "lat", "en": "lat", "ru": "cyr", "ky": "cyr"}
_SCRIPT_DEFAULT = {"lat": "tr", "cyr": "ru"}


@lru_cache(maxsize=None)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_SNOWBALL[lang])


def _surface(text: str) -> list[str]:
    """Lower-cased tokens before stopwords and stemming."""
    text = fold_quotes(unicodedata.normalize("NFC", text)).translate(_EXTRA_QUOTES)
    out = []
    for m in _TOKEN.finditer(text):
        tok = m.group(1)
        tok = tr_lower(tok) if _script(tok) == "lat" else tok.lower()
        out.append(tok.replace("\u0307", ""))
    return out


def _stem(tok: str, lang: str) -> str:
    """One lowered token -> its index form in `lang` (stemming, then folding)."""
    if any(ch.isdigit() for ch in tok):
        return tok.translate(_LATIN_FOLD)
    if lang == "tr":
        return tok.translate(_LATIN_FOLD)[:TR_PREFIX]
    if lang == "ky":
        return tok.translate(_KY_FOLD)[:KY_PREFIX]
    if lang == "en":
        return _stemmer("en").stemWord(tok.translate(_LATIN_FOLD)).translate(_LATIN_FOLD)
    return _stemmer(lang).stemWord(tok)


def _token_lang(tok: str, text_lang: str) -> str:
    script = _script(tok)
    return text_lang if _LANG_SCRIPT.get(text_lang) == script else _SCRIPT_DEFAULT[script]


def _resolve(text: str, lang: str | None) -> str:
    return lang if lang in _LANG_SCRIPT else guess_lang(text)


def _content(text: str, lang: str) -> list[str]:
    stop = _STOPWORDS[lang]
    return [t for t in _surface(text) if t not in stop and not (len(t) == 1 and t.isalpha())]


def tokenize(text: str, lang: str | None) -> list[str]:
    """Index tokens of a passage (or a query, stemmed one way) in `lang` ("tr", "ky", "ru", "en"; other or
    None: guessed from the script). Repeats are kept: BM25 counts them."""
    lang = _resolve(text, lang)
    return [_stem(t, _token_lang(t, lang)) for t in _content(text, lang)]


def query_tokens(text: str, lang: str | None, cross_stem: bool = True) -> list[str]:
    """Distinct tokens of a query. With `cross_stem`, Latin words of an English query, or of a query whose
    language is not given, are also stemmed as Turkish (union, first-seen order)."""
    given = lang in _LANG_SCRIPT
    lang = _resolve(text, lang)
    stems: dict[str, None] = {}
    for t in _content(text, lang):
        tl = _token_lang(t, lang)
        stems[_stem(t, tl)] = None
        if cross_stem and _script(t) == "lat" and (tl == "en" or not given):
            stems[_stem(t, "tr")] = None
            if not given:
                stems[_stem(t, "en")] = None
    return list(stems)
