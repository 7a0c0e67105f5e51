"""The interface languages (tr, en, ky, ru): gettext catalogues in ``ui/locales``, compiled by Babel on first use.

Why gettext and not ``gr.I18n``: Gradio translates ``gr.I18n`` keys in the browser and only into a locale its own
front end ships; Kyrgyz is not one of them, so a ky-KG browser would get English. Here the server picks the language
(the selector, else the browser's Accept-Language) and sends every component its label in that language; the
same catalogues serve the HTML that ``ui.render`` builds (refusals, sources, notices).

English is the source language: a msgid is the English text, so the code reads as the page will, and
``locales/kaynak.pot`` lists every msgid. After changing a string (``N_``/``_`` calls under ``ui/``):

    pybabel extract -F ui/locales/babel.cfg -o ui/locales/kaynak.pot --no-location --omit-header --sort-output ui/
    pybabel update -i ui/locales/kaynak.pot -d ui/locales -D kaynak --no-wrap --ignore-obsolete

then translate the new (empty) or changed (fuzzy) entries; ``tests/ui/test_catalogues.py`` fails until each
language has every one. A ``_()`` call inside an f-string is not extracted: compute the text first.
The ``.po`` files are the only copy: they are compiled in memory (``write_mo``), so no stale ``.mo`` can ship.
"""
from __future__ import annotations

import gettext
import io
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

from babel.core import negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGS = ("tr", "en", "ky", "ru")
DEFAULT = "en"
# Each language named in itself, as the selector shows it.
LANG_NAMES = {"tr": "Türkçe", "en": "English", "ky": "Кыргызча", "ru": "Русский"}
LOCALES = Path(__file__).with_name("locales")
DOMAIN = "kaynak"

Gettext = Callable[[str], str]


def N_(message: str) -> str:
    """Mark text for the catalogue where it is translated later: labels are set before a language is known."""
    return message


def catalogue_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    if lang == DEFAULT:
        return gettext.NullTranslations()  # the msgids are the English text
    with open(catalogue_path(lang), "rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    mo = io.BytesIO()
    write_mo(mo, catalog)  # fuzzy entries are left out, as gettext does: they show in English until reviewed
    mo.seek(0)
    return gettext.GNUTranslations(mo)


def translator(lang: str) -> Gettext:
    """``_`` for one interface language; an unknown code gets English."""
    return _translations(lang if lang in LANGS else DEFAULT).gettext


def accept_language(header: str | None) -> list[str]:
    """Accept-Language -> its tags, most wanted first: "ru-RU,ru;q=0.9,en;q=0.8" -> ["ru-RU", "ru", "en"]."""
    ranked = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag and tag != "*" and q > 0:
            ranked.append((-q, i, tag))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(preferred: Iterable[str]) -> str:
    """The first interface language the browser asks for ("ky-KG" -> "ky"), English when it asks for none."""
    return negotiate_locale([p for p in preferred if p], LANGS, sep="-") or DEFAULT

