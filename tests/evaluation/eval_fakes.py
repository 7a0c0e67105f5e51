"""Test doubles for the evaluation runner: a fake assistant built from real passages of the thesis.

A module of its own (not conftest) so tests import it by a name no other test folder uses.
"""
from __future__ import annotations

import json
from pathlib import Path

from evaluation import metrics as M
from evaluation.qa import QAItem
from kaynak.config import BUNDLED_CORPUS, BUNDLED_DEV_QA
from kaynak.types import Answer, Chunk, Citation, Hit

DEV = BUNDLED_DEV_QA
REFUSALS = {"tr": "Belgede yer almıyor.", "en": "Not in the document.", "ru": "В документе это не указано.",
            "ky": "Документте жок."}


def thesis_chunks() -> list[Chunk]:
    """Overlapping 20-line windows of the real corpus: every dev evidence quote lies whole in one of them."""
    lines = BUNDLED_CORPUS.read_text(encoding="utf-8").split("\n")
    out = []
    for n, i in enumerate(range(0, len(lines), 10)):
        text = "\n".join(lines[i:i + 20]).strip()
        if text:
            out.append(Chunk(id=f"c{n:04d}", doc_id="thesis", text=text, section=("1. Test",), page_start=n + 1,
                             page_end=n + 1, lang="tr", start=0, end=len(text)))
    return out


class FakeAssistant:
    """``ask(question)`` follows a per-question script: good@rank, miss, refuse, wrong_cite, error, answer."""

    def __init__(self, items: list[QAItem], chunks: list[Chunk], script: dict[str, str]):
        self.by_q = {i.question: i for i in items}
        self.chunks = chunks
        self.script = script

    def relevant(self, item: QAItem) -> list[Chunk]:
        return [c for c in self.chunks if M.holds_any(c.text, item.evidence)]

    def distractors(self, item: QAItem, n: int) -> list[Chunk]:
        return [c for c in self.chunks[::7] if not M.holds_any(c.text, item.evidence)][:n]

    def __call__(self, question: str) -> Answer:
        item = self.by_q[question]
        what = self.script.get(item.id, "good@1")
        if what == "error":
            raise RuntimeError("model crashed")
        if what.startswith("good@"):
            rank = int(what[5:])
            rel = self.relevant(item)[0]
            ranked = self.distractors(item, rank - 1) + [rel] + self.distractors(item, 10)[rank - 1: 10 - rank]
            # every score tied: the evaluator must keep this order, not re-sort
            hits = tuple(Hit(c, 0.5) for c in ranked)
            q = item.evidence[0]
            cite = Citation(1, rel, q, 0, len(q))
            return Answer(f"{item.answer} [1]", item.lang, (cite,), hits=hits)
        hits = tuple(Hit(c, 1.0 - i / 10) for i, c in enumerate(self.distractors(item, 10)))
        if what in ("refuse", "miss"):
            return Answer(REFUSALS[item.lang], item.lang, refused=True, hits=hits)
        wrong = hits[0].chunk
        cite = Citation(1, wrong, wrong.text[:40], 0, 40)
        return Answer(f"{item.answer} [1]", item.lang, (cite,), hits=hits)  # "wrong_cite" / "answer"


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
