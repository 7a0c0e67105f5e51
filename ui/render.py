"""Answer / Hit -> HTML for the web app. Pure functions: no Gradio, no engine, every text html-escaped.

The library hands over data (``Answer`` with ``Citation`` offsets into ``chunk.text``); only this module turns
it into markup, kotaemon-style. Chips (``<a class="k-chip">``) point at source cards by element id; the page
script in ``ui/app.py`` scrolls to and flashes the card when a chip is clicked. Every word of interface text
comes from the catalogue of ``ui_lang`` (``ui.i18n``); the document's own text is shown as it is.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from kaynak.types import Answer, Chunk, Citation, Hit, Related
from ui.i18n import LANG_NAMES, translator
from ui.messages import library_text

_MARKER = re.compile(r"\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
# Characters that would turn plain answer text into Markdown formatting inside the chat bubble.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def esc(s: object) -> str:
    return html.escape(str(s), quote=True)


def _md_safe(s: str) -> str:
    """Markdown specials backslashed first, then html-escaped: the other way round, the '#' of the "&#x27;"
    that escaping makes of an apostrophe ("Türkiye'nin") was backslashed and the bubble showed the entity."""
    return esc(_MD_SPECIAL.sub(r"\\\1", s))


def page_label(chunk: Chunk, ui_lang: str = "en") -> str:
    """The printed page in the interface's abbreviation: "p. 38", "s. 38", "с. 38", "б. 3–4"."""
    _ = translator(ui_lang)
    abbr = _("p.")
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


def related_card(r: Related, ui_lang: str = "en") -> str:
    """A passage near a refused question: where it is and its closest sentence, with no number to cite it by."""
    return (
        f'<div class="k-rel" data-chunk="{esc(r.chunk.id)}"><div class="k-src-head">{_meta(r.chunk, ui_lang)}</div>'
        f'<blockquote class="k-rel-text">{esc(r.sentence)}</blockquote></div>'
    )


def related_html(related: Sequence[Related], ui_lang: str = "en") -> str:
    """The related passages of a refusal, under a heading that says they are not an answer."""
    _ = translator(ui_lang)
    title = esc(_("Related passages — not an answer"))
    note = esc(_("The closest the documents come to the question; none of them answers it."))
    cards = "".join(related_card(r, ui_lang) for r in related)
    return (f'<div class="k-related"><div class="k-related-title">{title}</div>'
            f'<div class="k-related-note">{note}</div>{cards}</div>')


def _first_per_n(citations: Sequence[Citation]) -> list[Citation]:
    seen, out = set(), []
    for c in sorted(citations, key=lambda c: c.n):
        if c.n not in seen:
            seen.add(c.n)
            out.append(c)
    return out


def sources_html(answer: Answer, uid: str, ui_lang: str = "en", question: str = "") -> str:
    """The sources panel for one answer: a card per cited passage (quote highlighted); under a refusal, the
    related passages, set apart from citations."""
    _ = translator(ui_lang)
    asked = f' <span class="k-q">— {esc(question[:160])}</span>' if question else ""
    title = esc(_("Sources"))
    head = f'<div class="k-sources-title">{title}{asked}</div>'
    body = "".join(source_card(c, uid, ui_lang) for c in _first_per_n(answer.citations))
    if answer.refused:
        body = body or empty_html(_("Not in the document"))
        if answer.related:
            body += related_html(answer.related, ui_lang)
    body = body or empty_html(_("No sources cited for this answer."))
    return f'<div class="k-sources" data-answer="{_slug(uid)}">{head}{body}</div>'


def answer_html(answer: Answer, uid: str, ui_lang: str = "en") -> str:
    """The chat bubble for a final answer: refusal notice or text with chips, plus a fallback label."""
    _ = translator(ui_lang)
    parts = []
    if answer.refused:
        hint = _("The answer to this question was not found in the ingested documents.")
        if answer.related:
            hint += " " + _("Related passages are listed under Sources.")
        title = esc(_("Not in the document"))
        # the model's numbers are for those who look closer: in the hover text, not in the notice
        why = (
            f'<div class="k-reason" title="{esc(answer.reason)}">{esc(library_text(answer.reason, _))}</div>'
            if answer.reason else ""
        )
        parts.append(f'<div class="k-refused"><b>⚠ {title}</b> — {esc(hint)}{why}</div>')
    if answer.text and not (answer.refused and not answer.citations and _same(answer.text, answer.reason)):
        parts.append(answer_text_html(answer.text, uid, (c.n for c in answer.citations)))
    if answer.fallback:
        reason = f": {esc(library_text(answer.reason, _))}" if answer.reason and not answer.refused else ""
        label = esc(_("Fallback answer"))
        parts.append(f'<div class="k-fallback">{label}{reason}</div>')
    return "\n\n".join(parts)


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def error_html(message: str, ui_lang: str = "en") -> str:
    """A failure notice; the library's message with its known phrases in the interface language."""
    _ = translator(ui_lang)
    label = esc(_("Error"))
    return f'<div class="k-error"><b>{label}:</b> {esc(library_text(message, _))}</div>'


def ok_html(message: str) -> str:
    return f'<div class="k-ok">{esc(message)}</div>'


def confirm_html(message: str) -> str:
    """A question the page asks before doing something that cannot be undone in one step."""
    return f'<div class="k-confirm">{esc(message)}</div>'


def empty_html(message: str) -> str:
    return f'<div class="k-empty">{esc(message)}</div>'


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
    _ = translator(ui_lang)
    top = ""
    if source is not None:
        selected, counterparts = esc(_("Selected passage")), esc(_("Counterparts in the other languages"))
        top = (
            f'<div class="k-selected"><div class="k-sources-title">{selected}</div>'
            f'<div class="k-hit"><div class="k-src-head">{_meta(source, ui_lang)}</div>'
            f'<div class="k-src-text">{esc(" ".join(source.text.split()))}</div></div>'
            f'<div class="k-sources-title">{counterparts}</div></div>'
        )
    cols = []
    for lang, hits in results.items():
        cards = "".join(hit_card(h, ui_lang) for h in hits) or empty_html(_("No passages in this language."))
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
.k-confirm{border-left:4px solid #d97706;background:#fffbeb;color:#78350f;padding:.5em .7em;border-radius:6px}
.k-ok{border-left:4px solid #059669;background:#ecfdf5;color:#064e3b;padding:.5em .7em;border-radius:6px}
.k-empty{opacity:.7;font-style:italic}
.k-related{display:flex;flex-direction:column;gap:.5em;margin-top:.4em;padding-top:.5em;
  border-top:2px dashed var(--border-color-primary,#ccc)}
.k-related-title{font-weight:600;color:#92400e}
.k-related-note{font-size:.85em;opacity:.8}
.k-rel{border:1px dashed #d6a354;border-radius:8px;padding:.45em .7em;background:transparent}
.k-rel-text{margin:.2em 0 0;padding-left:.6em;border-left:3px solid #d6a354;font-size:.9em;font-style:italic}
.k-cols{display:grid;grid-template-columns:repeat(var(--k-ncols),minmax(0,1fr));gap:.7em}
.k-col{display:flex;flex-direction:column;gap:.5em}
.k-col-head{font-weight:600}
.k-selected{margin-bottom:.6em}
details.k-old>summary{cursor:pointer;opacity:.8;margin:.3em 0}
@media (max-width:900px){.k-cols{grid-template-columns:1fr}}
"""
