"""What is ingested, in words the web app can show: a line describing the documents and example questions.

The examples are drawn from the documents present: each document's largest sections, asked about in the
language they are written in, and only those the engine answers (an example that is refused teaches a new user
that the tool fails; a new user's trial found one such on every document). The bundled thesis keeps the
questions written for it (a data file beside it, kaynak/data/thesis.examples.txt), and only while it is ingested
(it is recognised by its bytes, whatever name it was ingested under).
"""
from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale

from index.store import DocRecord
from ingest.matter import without_number
from kaynak.config import BUNDLED_CORPUS
from kaynak.lexicon import lexicon
from kaynak.types import Chunk

THESIS_EXAMPLES = tuple(
    line.strip() for line in BUNDLED_CORPUS.with_suffix(".examples.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)
MAX_EXAMPLES = 6
MAX_NAMED = 3  # documents named in the description; the rest are counted
TRIED = 4  # sections tried per example shown, when examples are checked against the answers
# Asked about a section's title, without naming "the document": a word the passages do not state counts
# against the answer, and on the Handbook's sections "What does the document say about …?" was answered for 6
# of 30, this wording for 14.
_ASK_ABOUT = {
    "tr": "«{topic}» hakkında neler söyleniyor?",
    "en": "What is said about “{topic}”?",
    "ru": "Что говорится о «{topic}»?",
    "ky": "«{topic}» жөнүндө эмне айтылат?",
}
_WORDS = {
    "tr": {"none": "Henüz belge eklenmedi: Belgeler sekmesinden ekleyin.", "doc": "{n} belge", "docs": "{n} belge",
           "more": "{n} belge daha", "passages": "pasajlar"},
    "en": {"none": "Nothing is ingested yet: add a document in the Documents tab.", "doc": "{n} document",
           "docs": "{n} documents", "more": "{n} more", "passages": "passages in"},
    "ru": {"none": "Документов пока нет: добавьте их на вкладке «Документы».", "doc": "Документы ({n})",
           "docs": "Документы ({n})", "more": "ещё {n}", "passages": "фрагменты на языках:"},
    "ky": {"none": "Азырынча документ жок: «Документтер» өтмөгүнөн кошуңуз.", "doc": "{n} документ",
           "docs": "{n} документ", "more": "дагы {n}", "passages": "үзүндүлөрдүн тилдери:"},
}


@lru_cache(maxsize=1)
def _bundled_sha256() -> str:
    path = Path(BUNDLED_CORPUS)
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


@dataclass(frozen=True)
class Overview:
    """The documents present (their titles or names), passages per language, and example questions."""

    names: tuple[str, ...]
    langs: tuple[tuple[str, int], ...]  # (language, passages), most first
    examples: tuple[str, ...]

    def subtitle(self, ui_lang: str) -> str:
        """One line for the page header, in the interface language."""
        words = _WORDS.get(ui_lang, _WORDS["en"])
        if not self.names:
            return words["none"]
        named = ", ".join(self.names[:MAX_NAMED])
        if len(self.names) > MAX_NAMED:
            named += f" (+{words['more'].format(n=len(self.names) - MAX_NAMED)})"
        names = Locale.parse(ui_lang if ui_lang in _WORDS else "en").languages  # CLDR
        langs = ", ".join(names.get(lang, lang) for lang, _ in self.langs)
        count = words["doc" if len(self.names) == 1 else "docs"].format(n=len(self.names))
        return f"{count}: {named} — {words['passages']} {langs}."


def example_questions(chunks: Sequence[Chunk], limit: int) -> list[str]:
    """Questions about each document's largest body sections, in their language, taking documents in turn."""
    size: Counter[tuple[str, tuple[str, ...]]] = Counter()
    langs: dict[tuple[str, tuple[str, ...]], Counter[str]] = {}
    for c in chunks:
        if c.kind == "body" and c.section:
            size[(c.doc_id, c.section)] += 1
            langs.setdefault((c.doc_id, c.section), Counter())[c.lang] += 1
    by_doc: dict[str, list[tuple[str, ...]]] = {}
    for (doc, section), _ in size.most_common():
        by_doc.setdefault(doc, []).append(section)
    out: list[str] = []
    topics: set[str] = set()
    for turn in range(max((len(s) for s in by_doc.values()), default=0)):
        for doc in sorted(by_doc):
            if turn < len(by_doc[doc]) and len(out) < limit:
                section = by_doc[doc][turn]
                topic = without_number(section[-1])
                lang = langs[(doc, section)].most_common(1)[0][0]
                if topic.casefold() not in topics and lang in _ASK_ABOUT and not lexicon(lang).parts_named(topic):
                    topics.add(topic.casefold())
                    out.append(_ASK_ABOUT[lang].format(topic=topic))
    return out


def overview(
    docs: Sequence[DocRecord], chunks: Sequence[Chunk], pending: Path | None = None,
    answered: Callable[[str], bool] | None = None,
) -> Overview:
    """What the web app says about the documents present; `pending`: the corpus being ingested on a first start
    (its examples are offered while it comes in, when it is the bundled thesis); `answered`: whether a question
    is answered, when examples are to be checked (up to `TRIED` sections per example shown)."""
    thesis = {d.doc_id for d in docs if d.sha256 and d.sha256 == _bundled_sha256()}
    bundled = pending is not None and pending.resolve() == Path(BUNDLED_CORPUS).resolve()
    examples = list(THESIS_EXAMPLES) if thesis or bundled else []
    others = [c for c in chunks if c.doc_id not in thesis]
    wanted = MAX_EXAMPLES - len(examples)
    if answered is None:
        examples += example_questions(others, wanted)
    else:
        for q in example_questions(others, wanted * TRIED):
            if len(examples) == MAX_EXAMPLES:
                break
            if answered(q):
                examples.append(q)
    langs = Counter(c.lang for c in chunks)
    return Overview(
        names=tuple(d.title or d.doc_id for d in docs),
        langs=tuple(langs.most_common()),
        examples=tuple(examples),
    )
