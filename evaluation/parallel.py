"""Which passages translate which, for documents ingested as parallel pages (no reading needed).

The Debian Administrator's Handbook ships each page once per language folder (`tr-TR/x.html`, `ru-RU/x.html`,
`en-US/x.html`); a passage's versions in another language are the passages of the same page under the heading
at the same place in the page, when both versions of the page have as many headings. What `lookup --id` is
measured against (`benchmarks/lookup.py`, tests/index/test_counterparts.py).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kaynak.types import Chunk


class ParallelPages:
    """The chunks of parallel pages, with each one's page and heading place."""

    def __init__(self, chunks: Iterable[Chunk]) -> None:
        self.chunks = [c for c in chunks if "/" in c.doc_id]
        by_doc: dict[str, list[Chunk]] = defaultdict(list)
        for c in self.chunks:
            by_doc[c.doc_id].append(c)
        self._place: dict[str, int] = {}
        self._headings: dict[str, int] = {}
        for doc, cs in by_doc.items():
            seen: dict[tuple[str, ...], int] = {}
            for c in sorted(cs, key=lambda c: c.start):
                self._place[c.id] = seen.setdefault(c.section, len(seen))
            self._headings[doc] = len(seen)

    def counterparts(self, source: Chunk, lang: str) -> set[str]:
        """Ids of `source`'s versions in `lang` (empty: that version is untranslated or not comparable)."""
        page = source.doc_id.split("/", 1)[1]
        return {c.id for c in self.chunks if c.lang == lang and c.doc_id.split("/", 1)[1] == page
                and self._place[c.id] == self._place[source.id]
                and self._headings[c.doc_id] == self._headings[source.doc_id]}
