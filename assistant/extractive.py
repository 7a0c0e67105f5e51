"""Offline answerer: quote the sentence(s) that answer the question, cite them, or refuse.

No LLM: the passages' own sentences are the answer. Each candidate sentence of the top passages is scored
by its embedding similarity to the question, the similarity of its passage, and whether it holds the kind
of value asked for. Then a support check decides whether to answer at all: similarity alone cannot tell
"about the topic" from "answers the question", so the chosen evidence must also mention what the question
pins down (its numbers and years, its key terms) and hold the expected answer type. The framing words are
in the asker's language; a quote in another language is labelled ("Turkish source: ...").
"""
from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.base import Answerer
from assistant.phrases import ACCORDING_TO, refusal, source_label
from assistant.question import QuestionInfo, analyse, has_answer_type, numbers_present, term_coverage
from index.embedder import Embedder
from ingest.sentences import split_sentences
from kaynak.config import Settings
from kaynak.types import Answer, Citation, Hit

log = logging.getLogger(__name__)

# Sentence score = W_SENT * cos(question, sentence) + W_CHUNK * cos(question, passage) + W_TYPE * type cue
# + W_TERMS * term coverage of the sentence. Cosines of e5 live in a narrow band (~0.75-0.9), so the
# cue and coverage weights are small on purpose: they break ties between similar sentences.
W_SENT, W_CHUNK, W_TYPE, W_TERMS = 1.0, 0.5, 0.03, 0.04
MIN_SENTENCE_CHARS = 25
# Support needed to answer; see `support()`. Calibrated on the dev set with simulated negatives
# (benchmarks/answer.py prints the refusal / false-refusal curve).
SUPPORT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Candidate:
    hit_index: int
    start: int
    end: int
    text: str
    score: float
    sim: float


class ExtractiveAnswerer(Answerer):
    name = "extractive"

    def __init__(
        self, settings: Settings, embedder: Embedder, stored_vectors: Callable[[list[str]], np.ndarray] | None = None
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.stored_vectors = stored_vectors  # passage vectors from the index, to avoid re-embedding

    def warm_up(self) -> None:
        self.embedder.warm_up()

    def answer(self, question: str, hits: list[Hit], lang: str) -> Answer:
        t0 = time.perf_counter()
        q = analyse(question, lang)
        hits = hits[: self.settings.answer.passages]
        cands = self._candidates(question, q, hits)
        if not cands:
            return self._refuse(lang, "no passage was found", t0)
        best = cands[0]
        s = support(q, best, hits[best.hit_index])
        if s < SUPPORT_THRESHOLD:
            return self._refuse(lang, f"the best passage does not answer this question (support {s:.2f})", t0)
        chosen = [best]
        for c in cands[1 : self.settings.answer.max_sentences + 2]:
            if len(chosen) >= self.settings.answer.max_sentences:
                break
            # a second sentence only when it is nearly as good and adds a value of the asked type
            if c.score >= best.score - 0.02 and c.text != best.text and has_answer_type(c.text, q) and (
                c.hit_index != best.hit_index or abs(c.start - best.start) > 0
            ):
                chosen.append(c)
        return self._compose(lang, hits, chosen, t0)

    def _candidates(self, question: str, q: QuestionInfo, hits: list[Hit]) -> list[Candidate]:
        spans: list[tuple[int, int, int, str]] = []
        for i, h in enumerate(hits):
            text = h.chunk.text
            for a, b in split_sentences(text):
                sent = text[a:b].strip()
                if len(sent) >= MIN_SENTENCE_CHARS:
                    spans.append((i, a, b, sent))
        if not spans:
            return []
        self.embedder.warm_up()
        qv = self.embedder.embed_queries([question])[0]
        sv = self.embedder.embed_passages([s for *_, s in spans])
        sims = sv @ qv
        chunk_sims = self._chunk_sims(qv, hits)
        out = []
        for (i, a, b, sent), sim in zip(spans, sims):
            lang = hits[i].chunk.lang
            score = (
                W_SENT * float(sim)
                + W_CHUNK * chunk_sims[i]
                + W_TYPE * has_answer_type(sent, q)
                + W_TERMS * term_coverage(q, sent, lang)
            )
            out.append(Candidate(i, a, b, sent, score, float(sim)))
        out.sort(key=lambda c: -c.score)
        return out

    def _chunk_sims(self, qv: np.ndarray, hits: list[Hit]) -> list[float]:
        ids = [h.chunk.id for h in hits]
        try:
            vecs = self.stored_vectors(ids) if self.stored_vectors else None
        except KeyError:  # passages not from the live index
            vecs = None
        if vecs is None:
            vecs = self.embedder.embed_passages([h.chunk.text for h in hits])
        return [float(x) for x in vecs @ qv]

    def _compose(self, lang: str, hits: list[Hit], chosen: list[Candidate], t0: float) -> Answer:
        numbers: dict[int, int] = {}
        citations: list[Citation] = []
        parts = []
        for c in sorted(chosen, key=lambda c: (c.hit_index, c.start)):
            chunk = hits[c.hit_index].chunk
            if c.hit_index not in numbers:
                numbers[c.hit_index] = len(numbers) + 1
            n = numbers[c.hit_index]
            citations.append(Citation(n=n, chunk=chunk, quote=c.text, start=c.start, end=c.end))
            label = "" if chunk.lang == lang else f" ({source_label(lang, chunk.lang).rstrip(':')})"
            parts.append((label, f"“{c.text}” [{n}]"))
        labels = {label for label, _ in parts}
        head = ACCORDING_TO.get(lang, ACCORDING_TO["en"])
        if len(labels) == 1 and next(iter(labels)):
            head = head.rstrip(":") + next(iter(labels)) + ":"
            body = " ".join(q for _, q in parts)
        else:
            body = " ".join(f"{label.strip(' ()') + ': ' if label else ''}{q}" for label, q in parts)
        return Answer(
            text=f"{head} {body}",
            lang=lang,
            citations=tuple(citations),  # one per quote; two quotes from one passage share its [n]
            answerer=self.name,
            timings={"answer": time.perf_counter() - t0},
        )

    def _refuse(self, lang: str, reason: str, t0: float) -> Answer:
        return Answer(
            text=refusal(lang), lang=lang, refused=True, reason=reason, answerer=self.name,
            timings={"answer": time.perf_counter() - t0},
        )


def support(q: QuestionInfo, best: Candidate, hit: Hit) -> float:
    """How surely the chosen evidence answers *this* question, in [0, 1].

    Evidence = the chosen sentence within its passage (section title included). Three checks:
    - the question's numbers (years, counts) appear in the passage: a question about 2021 answered from a
      passage about 2018 is about the topic, not the answer;
    - the question's key terms are covered (same folding and stemming as BM25; across languages only
      names and loan words meet, so the weight of this check falls when languages differ);
    - the sentence holds the kind of value asked for.
    Combined with the sentence similarity through a logistic squash.
    """
    chunk = hit.chunk
    context = " ".join([*chunk.section[-1:], chunk.text])
    same_lang = chunk.lang == q.lang
    nums = numbers_present(q, context)
    cov = term_coverage(q, context, chunk.lang)
    typed = 1.0 if has_answer_type(best.text, q) else 0.0
    x = (
        12.0 * (best.sim - 0.80)
        + 2.5 * (nums - 1.0)
        + (3.0 if same_lang else 1.5) * (cov - 0.5)
        + 1.5 * (typed - 1.0)
    )
    return 1.0 / (1.0 + math.exp(-x))
