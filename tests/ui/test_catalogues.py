"""The interface catalogues: every message the web app shows is in the template and translated in tr, ky, ru.

Fails when a string is added to ui/ without running pybabel extract/update (see ui/i18n.py), when a language
misses an entry, leaves it empty, fuzzy or in English, or drops a {placeholder}; and when Kyrgyz is Russian.
"""
from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from ui.i18n import LANGS, LOCALES, accept_language, catalogue_path, negotiate, translator

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "ui"
TRANSLATED = [l for l in LANGS if l != "en"]  # English is the source language: the msgids themselves
# A column of document ids is headed "документ" in Kyrgyz as in Russian: the same loanword.
KY_SAME_AS_RU = {"document"}
_FIELD = re.compile(r"\{[^{}]*\}")


def _code_msgids() -> set[str]:
    """Every literal passed to _() or N_() in ui/, f-strings included (which pybabel misses: they must fail)."""
    found = set()
    for path in UI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "N_")
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def _catalog(path: Path, lang: str | None = None):
    with open(path, "rb") as f:
        return read_po(f, locale=lang)


def _template_msgids() -> set[str]:
    return {m.id for m in _catalog(LOCALES / "kaynak.pot") if m.id}


def test_template_lists_exactly_the_messages_in_the_code():
    code, template = _code_msgids(), _template_msgids()
    assert len(code) > 100
    assert not code - template, f"not in kaynak.pot (run pybabel extract, see ui/i18n.py): {sorted(code - template)}"
    assert not template - code, f"in kaynak.pot but no longer used: {sorted(template - code)}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_each_language_translates_every_message(lang):
    catalog = _catalog(catalogue_path(lang), lang)
    entries = {m.id: m for m in catalog if m.id}
    template = _template_msgids()
    assert not template - entries.keys(), f"{lang}: missing {sorted(template - entries.keys())}"
    assert not entries.keys() - template, f"{lang}: obsolete {sorted(entries.keys() - template)}"
    assert not [m.id for m in catalog.obsolete.values()], f"{lang}: obsolete entries kept"
    for msgid, m in entries.items():
        assert m.string.strip(), f"{lang}: {msgid!r} is untranslated"
        assert "fuzzy" not in m.flags, f"{lang}: {msgid!r} is fuzzy (review it, then drop the flag)"
        assert m.string != msgid, f"{lang}: {msgid!r} is left in English"
        assert sorted(_FIELD.findall(m.string)) == sorted(_FIELD.findall(msgid)), f"{lang}: fields of {msgid!r}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_app_shows_what_the_catalogue_says(lang):
    """The catalogue compiled at run time (write_mo) gives every entry back: none dropped on the way."""
    _ = translator(lang)
    for m in _catalog(catalogue_path(lang), lang):
        if m.id:
            assert _(m.id) == m.string


def test_kyrgyz_is_not_russian():
    ky = {m.id: m.string for m in _catalog(catalogue_path("ky"), "ky") if m.id}
    ru = {m.id: m.string for m in _catalog(catalogue_path("ru"), "ru") if m.id}
    same = {k for k in ky if ky[k] == ru[k]}
    assert same == KY_SAME_AS_RU, same
    _ = translator("ky")
    assert "Суроо" in _("Ask") and _("Sources") == "Булактар" and _("Not in the document") == "Документте жок"
    assert re.search("[өүң]", "".join(ky.values()).lower()), "no Kyrgyz letter (ө, ү, ң) anywhere"


def test_the_catalogues_ship_as_package_data():
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["ui"]
    shipped = {p for g in globs for p in UI.glob(g)}
    assert {catalogue_path(l) for l in TRANSLATED} | {LOCALES / "kaynak.pot"} <= shipped
    assert {p for p in LOCALES.rglob("*") if p.is_file()} <= shipped


def test_browser_languages_pick_the_interface_language():
    assert accept_language("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7") == ["ru-RU", "ru", "en-US", "en"]
    assert accept_language("en;q=0.5, ky-KG, *;q=0.1, de;q=0") == ["ky-KG", "en"]
    assert negotiate(accept_language("ky-KG,ky;q=0.9")) == "ky"
    assert negotiate(accept_language("tr-TR")) == "tr"
    assert negotiate(accept_language("de-DE,de;q=0.9,ru;q=0.5")) == "ru"
    assert negotiate(accept_language("de-DE")) == "en" and negotiate(accept_language(None)) == "en"
    assert translator("de")("Ask") == "Ask"
