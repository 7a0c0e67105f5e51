"""Answer / Hit -> HTML for the web app. Pure functions: no Gradio, no engine, every text html-escaped.

The library hands over data (``Answer`` with ``Citation`` offsets into ``chunk.text``); only this module turns
it into markup, kotaemon-style. Chips (``<a class="k-chip">``) point at source cards by element id; the page
script in ``ui/app.py`` scrolls to and flashes the card when a chip is clicked.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from kaynak.types import Answer, Chunk, Citation, Hit

LANG_NAMES = {"tr": "Türkçe", "ky": "Кыргызча", "ru": "Русский", "en": "English"}
# Printed-page abbreviation in the interface language ("s. 38" / "p. 38").
PAGE_ABBR = {"tr": "s.", "en": "p."}

TEXT = {
    "tr": {
        "sources": "Kaynaklar",
        "no_sources": "Bu cevapta kaynak gösterilmedi.",
        "refused": "Belgede yok",
        "refused_hint": "Bu sorunun cevabı yüklenen belgelerde bulunamadı.",
        "fallback": "Yedek cevap",
        "question": "Soru",
        "no_hits": "Bu dilde pasaj bulunamadı.",
        "counterparts": "Diğer dillerdeki karşılıkları",
        "selected": "Seçilen pasaj",
        "error": "Hata",
    },
    "en": {
        "sources": "Sources",
        "no_sources": "No sources cited for this answer.",
        "refused": "Not in the document",
        "refused_hint": "The answer to this question was not found in the ingested documents.",
        "fallback": "Fallback answer",
        "question": "Question",
        "no_hits": "No passages in this language.",
        "counterparts": "Counterparts in the other languages",
        "selected": "Selected passage",
        "error": "Error",
    },
}

_MARKER = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
# Characters that would turn plain answer text into Markdown formatting inside the chat bubble.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


# The library's reasons are English (stable for JSON and log readers); the Turkish interface shows the usual
# ones in Turkish. Endpoint error details (HTTP codes, exception text) stay as they came.
_REASONS_TR = [
    (re.compile(r"no passage was found"), "hiç pasaj bulunamadı"),
    (re.compile(r"the best passage does not answer this question \(support ([\d.]+)\)"),
     r"en iyi pasaj bu soruyu cevaplamıyor (destek \1)"),
    (re.compile(r"the passages found hold no amount"), "bulunan pasajlarda sorulan miktar yok"),
    (re.compile(r"the passages found hold no date"), "bulunan pasajlarda sorulan tarih yok"),
    (re.compile(r"the passages found do not mention (.+)"), r"bulunan pasajlar şunlardan söz etmiyor: \1"),
    (re.compile(r"the LLM found no answer in the passages"), "LLM pasajlarda cevap bulamadı"),
    (re.compile(r"no LLM configured"), "LLM ayarlanmamış"),
    (re.compile(r"no passages were retrieved"), "hiç pasaj getirilmedi"),
    (re.compile(r"LLM endpoint unreachable at"), "LLM uç noktasına ulaşılamadı:"),
    (re.compile(r"LLM endpoint gave no usable reply at"), "LLM uç noktası kullanılabilir cevap vermedi:"),
    (re.compile(r"offline answer shown"), "çevrimdışı cevap gösterildi"),
]


def reason_text(reason: str, ui_lang: str = "en") -> str:
    """Why kaynak refused or fell back, in the interface language where a translation is known."""
    if ui_lang == "tr":
        for pattern, turkish in _REASONS_TR:
            reason = pattern.sub(turkish, reason)
    return reason


def t(key: str, ui_lang: str = "en") -> str:
    return TEXT.get(ui_lang, TEXT["en"]).get(key, TEXT["en"][key])


def esc(s: object) -> str:
    return html.escape(str(s), quote=True)


def _md_safe(s: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", esc(s))


def page_label(chunk: Chunk, ui_lang: str = "en") -> str:
    """The page as printed ("p. 38", "s. iv"), with the last page when the passage runs on to another."""
    abbr = PAGE_ABBR.get(ui_lang, "p.")
    if chunk.page_end and chunk.page_end != chunk.page_start:
        return f"{abbr} {chunk.page_text}–{chunk.page_end}"
    return f"{abbr} {chunk.page_text}"


def source_id(uid: str, n: int) -> str:
    return f"k-src-{_slug(uid)}-{n}"


def _slug(s: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "", str(s)) or "x"


def chip(n: int, uid: str) -> str:
    sid = source_id(uid, n)
    return f'<a class="k-chip" href="#{sid}" data-k-target="{sid}" title="[{n}]">{n}</a>'


def answer_text_html(text: str, uid: str, cited: Iterable[int] = (), markdown_safe: bool = True) -> str:
    """Escaped answer text whose [n] / [n, m] markers become chips; markers with no citation stay text."""
    known = set(cited)
    out, pos = [], 0
    clean = _md_safe if markdown_safe else esc
    for m in _MARKER.finditer(text or ""):
        out.append(clean(text[pos : m.start()]))
        nums = [int(x) for x in m.group(1).split(",")]
        if all(n in known for n in nums):
            out.append('<span class="k-chips">' + "".join(chip(n, uid) for n in nums) + "</span>")
        else:
            out.append(clean(m.group(0)))
        pos = m.end()
    out.append(clean((text or "")[pos:]))
    return "".join(out)


def highlight(text: str, start: int, end: int, quote: str = "") -> str:
    """The passage with text[start:end] inside <mark>; if the offsets are wrong, the quote found by search."""
    text = text or ""
    if not (0 <= start < end <= len(text)) or (quote and " ".join(text[start:end].split()) != " ".join(quote.split())):
        i = text.find(quote) if quote else -1
        if i < 0:
            return esc(text)
        start, end = i, i + len(quote)
    return f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"


def lang_badge(lang: str) -> str:
    return f'<span class="k-lang k-lang-{_slug(lang)}" title="{esc(LANG_NAMES.get(lang, lang))}">{esc(lang.upper())}</span>'


def _meta(chunk: Chunk, ui_lang: str = "en") -> str:
    return (
        f'{lang_badge(chunk.lang)} <span class="k-sec">{esc(chunk.section_path or "—")}</span> '
        f'<span class="k-page">{esc(page_label(chunk, ui_lang))}</span> <span class="k-doc">{esc(chunk.doc_id)}</span>'
    )


def source_card(c: Citation, uid: str, ui_lang: str = "en") -> str:
    return (
        f'<div class="k-src" id="{source_id(uid, c.n)}" data-chunk="{esc(c.chunk.id)}">'
        f'<div class="k-src-head"><span class="k-num">[{c.n}]</span> {_meta(c.chunk, ui_lang)}</div>'
        f'<div class="k-src-text">{highlight(c.chunk.text, c.start, c.end, c.quote)}</div></div>'
    )


def _first_per_n(citations: Sequence[Citation]) -> list[Citation]:
    seen, out = set(), []
    for c in sorted(citations, key=lambda c: c.n):
        if c.n not in seen:
            seen.add(c.n)
            out.append(c)
    return out


def sources_html(answer: Answer, uid: str, ui_lang: str = "en", question: str = "") -> str:
    """The sources panel for one answer: one card per cited passage, quote highlighted."""
    head = f'<div class="k-sources-title">{esc(t("sources", ui_lang))}'
    if question:
        head += f' <span class="k-q">— {esc(question[:160])}</span>'
    head += "</div>"
    cards = [source_card(c, uid, ui_lang) for c in _first_per_n(answer.citations)]
    body = "".join(cards) or f'<div class="k-empty">{esc(t("no_sources", ui_lang))}</div>'
    return f'<div class="k-sources" data-answer="{_slug(uid)}">{head}{body}</div>'


def answer_html(answer: Answer, uid: str, ui_lang: str = "en") -> str:
    """The chat bubble for a final answer: refusal notice or text with chips, plus a fallback label."""
    parts = []
    if answer.refused:
        parts.append(
            f'<div class="k-refused"><b>⚠ {esc(t("refused", ui_lang))}</b> — {esc(t("refused_hint", ui_lang))}'
            + (f'<div class="k-reason">{esc(reason_text(answer.reason, ui_lang))}</div>' if answer.reason else "")
            + "</div>"
        )
    if answer.text and not (answer.refused and not answer.citations and _same(answer.text, answer.reason)):
        parts.append(answer_text_html(answer.text, uid, (c.n for c in answer.citations)))
    if answer.fallback:
        reason = f": {esc(reason_text(answer.reason, ui_lang))}" if answer.reason and not answer.refused else ""
        parts.append(f'<div class="k-fallback">{esc(t("fallback", ui_lang))}{reason}</div>')
    return "\n\n".join(parts)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def error_html(message: str, ui_lang: str = "en") -> str:
    return f'<div class="k-error"><b>{esc(t("error", ui_lang))}:</b> {esc(message)}</div>'


def hit_card(hit: Hit, ui_lang: str = "en", max_chars: int = 600) -> str:
    c = hit.chunk
    text = " ".join(c.text.split())
    short = text if len(text) <= max_chars else text[:max_chars].rsplit(" ", 1)[0] + " …"
    return (
        f'<div class="k-hit" data-chunk="{esc(c.id)}"><div class="k-src-head">{_meta(c, ui_lang)} '
        f'<span class="k-score">{hit.score:.3f}</span></div><div class="k-src-text">{esc(short)}</div></div>'
    )


def lookup_html(results: dict[str, list[Hit]], ui_lang: str = "en", source: Chunk | None = None) -> str:
    """Side-by-side columns (one per language) of the best passages; optionally the selected passage above."""
    top = ""
    if source is not None:
        top = (
            f'<div class="k-selected"><div class="k-sources-title">{esc(t("selected", ui_lang))}</div>'
            f'<div class="k-hit"><div class="k-src-head">{_meta(source, ui_lang)}</div>'
            f'<div class="k-src-text">{esc(" ".join(source.text.split()))}</div></div>'
            f'<div class="k-sources-title">{esc(t("counterparts", ui_lang))}</div></div>'
        )
    cols = []
    for lang, hits in results.items():
        cards = "".join(hit_card(h, ui_lang) for h in hits) or f'<div class="k-empty">{esc(t("no_hits", ui_lang))}</div>'
        cols.append(
            f'<div class="k-col" data-lang="{_slug(lang)}"><div class="k-col-head">{lang_badge(lang)} '
            f"{esc(LANG_NAMES.get(lang, lang))}</div>{cards}</div>"
        )
    return f'{top}<div class="k-cols" style="--k-ncols:{max(1, len(cols))}">{"".join(cols)}</div>'


def hit_choice_label(hit: Hit, ui_lang: str = "en", width: int = 70) -> str:
    c = hit.chunk
    text = " ".join(c.text.split())
    return f"[{c.lang}] {page_label(c, ui_lang)} · {text[:width]}{'…' if len(text) > width else ''}"


CSS = """
.k-chip{display:inline-block;min-width:1.35em;padding:0 .35em;margin:0 .1em;border-radius:.7em;
  background:var(--color-accent-soft,#e0e7ff);color:var(--color-accent,#3730a3)!important;font-size:.78em;
  font-weight:600;text-align:center;text-decoration:none!important;cursor:pointer;vertical-align:super;line-height:1.4}
.k-chip:hover{filter:brightness(.9)}
.k-sources{display:flex;flex-direction:column;gap:.6em}
.k-sources-title{font-weight:600;margin:.2em 0}
.k-q{font-weight:400;opacity:.7}
.k-src,.k-hit{border:1px solid var(--border-color-primary,#ddd);border-radius:8px;padding:.55em .7em;
  background:var(--background-fill-secondary,#fafafa);transition:box-shadow .3s,border-color .3s}
.k-src.k-flash{border-color:var(--color-accent,#6366f1);box-shadow:0 0 0 3px var(--color-accent-soft,#c7d2fe)}
.k-src-head{font-size:.85em;display:flex;flex-wrap:wrap;gap:.4em;align-items:baseline;margin-bottom:.3em}
.k-src-text{font-size:.9em;line-height:1.45;white-space:pre-wrap}
.k-src-text mark{background:#fde68a;color:inherit;padding:0 .1em;border-radius:2px}
.k-num{font-weight:700}
.k-sec{font-weight:600}
.k-page{opacity:.85}
.k-doc,.k-score{opacity:.6;font-family:var(--font-mono,monospace);font-size:.9em}
.k-lang{display:inline-block;padding:0 .4em;border-radius:4px;font-size:.78em;font-weight:700;color:#fff;background:#6b7280}
.k-lang-tr{background:#dc2626}.k-lang-ky{background:#d97706}.k-lang-ru{background:#2563eb}.k-lang-en{background:#059669}
.k-refused{border-left:4px solid #d97706;background:#fffbeb;color:#78350f;padding:.5em .7em;border-radius:6px}
.k-reason{font-size:.85em;opacity:.85;margin-top:.2em}
.k-fallback{display:inline-block;font-size:.8em;padding:.1em .5em;border-radius:4px;background:#e5e7eb;color:#374151}
.k-error{border-left:4px solid #dc2626;background:#fef2f2;color:#7f1d1d;padding:.5em .7em;border-radius:6px}
.k-ok{border-left:4px solid #059669;background:#ecfdf5;color:#064e3b;padding:.5em .7em;border-radius:6px}
.k-empty{opacity:.7;font-style:italic}
.k-cols{display:grid;grid-template-columns:repeat(var(--k-ncols),minmax(0,1fr));gap:.7em}
.k-col{display:flex;flex-direction:column;gap:.5em}
.k-col-head{font-weight:600}
.k-selected{margin-bottom:.6em}
details.k-old>summary{cursor:pointer;opacity:.8;margin:.3em 0}
@media (max-width:900px){.k-cols{grid-template-columns:1fr}}
"""
