"""Offline answerer: quote the sentence(s) that answer the question, cite them, or refuse and show what is near.

No LLM: the passages' own sentences are the answer. Every sentence of the passages read is a candidate with the
features of `assistant.answerability` — similarity, how much of the question it states word by word across
languages and spellings, numbers, years, the kind of value asked for — all read from the stored index (sentence
vectors, token states), so a question costs one forward pass of the model. The fitted choice picks the
sentence; the fitted answer model decides whether to answer. A question asking for the main points gets
two to four sentences, none repeating another. The framing words are in the asker's language; a quote in
another language is labelled ("Turkish source: ...").
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.answerability import Params, answer_features, load_params
from assistant.base import Answerer
from assistant.phrases import ACCORDING_TO, refusal, source_label
from assistant.question import Question, analyse, part_named
from assistant.values import holds, stems, years
from index.alignment import coverage, query_words, weakest, word_scores
from index.embedder import Embedder, TokenStates
from index.indexer import passage_text
from index.stores.base import Passage, Store, sentence_vectors
from kaynak.config import Settings
from kaynak.lexicon import fold, lexicon
from kaynak.text import stated_numbers
from kaynak.types import Answer, Citation, Hit, Related

log = logging.getLogger(__name__)

# A summary quotes the best sentence and up to SUMMARY_MAX - 1 more whose choice score is within
# SUMMARY_MARGIN of it (the choice's log-odds), none closer than NEAR_DUPLICATE in cosine to one already quoted
# (a summary repeating the body in another language says the same thing twice). The margin was picked from 1.5,
# 3 and 5 on the 54 summary questions of the six fitting sets by the criterion (an evidence passage cited
# and two or more sentences quoted): 0.15 / 0.28 / 0.41, better on every set with summary questions, while the
# share of a summary's citations that hold reference evidence fell 0.73 / 0.67 / 0.61.
SUMMARY_MAX, SUMMARY_MARGIN, NEAR_DUPLICATE = 4, 5.0, 0.9
RELATED = 3  # passages shown with a refusal
REASON_WORD = 40  # characters of the least-stated word a refusal's reason quotes


@dataclass(frozen=True)
class Candidate:
    hit_index: int
    start: int
    end: int
    text: str
    vector: np.ndarray = field(repr=False)
    features: dict[str, float]
    weakest_word: str  # the question's rare word this sentence's passage states least closely
    score: float = 0.0  # the choice's score


@dataclass(frozen=True)
class Assessment:
    """What the answerer makes of a question over some passages: the question read, the passages read (those
    given, and the one that continues the first), the candidates best first, and the probability that the best
    answers it (None when no passage has a sentence)."""

    question: Question
    passages: tuple[Hit, ...]
    candidates: tuple[Candidate, ...]
    probability: float | None
    features: dict[str, float]  # the answer model's inputs for the best candidate


class ExtractiveAnswerer(Answerer):
    name = "extractive"

    def __init__(self, settings: Settings, embedder: Embedder, store: Store | None = None, params: Params | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store  # the live index: stored sentence vectors and token states
        self._params = params

    @property
    def params(self) -> Params:
        if self._params is None:
            self._params = load_params(self.settings.embedder.model)
        return self._params

    def warm_up(self) -> None:
        self.embedder.warm_up()
        self.params  # noqa: B018 - fail at start-up, not on the first question, when no model is fitted

    def answer(self, question: str, hits: list[Hit], lang: str) -> Answer:
        t0 = time.perf_counter()
        a = self.assess(question, list(hits[: self.settings.answer.passages]), lang)
        passages = list(a.passages)
        if a.probability is None:
            return self._refuse(lang, "no passage was found", (), t0)
        if a.probability < self.params.threshold:
            best = a.candidates[0]
            why = (
                f"the passages found do not answer this question (answerability {a.probability:.2f} < "
                f"{self.params.threshold:.2f}; least stated: “{best.weakest_word}”)"
            )
            return self._refuse(lang, why, self._related(a, passages), t0)
        chosen = self._summary(a) if self._wants_summary(a.question) else self._with_value(a)
        return self._compose(lang, passages, chosen, t0)

    # -- reading ------------------------------------------------------------------------------------
    def assess(self, question: str, hits: list[Hit], lang: str, params: Params | None = None) -> Assessment:
        """Read the question and every sentence of `hits`; score them with `params` (the fitted ones by
        default; the fit passes its own)."""
        params = params or self.params
        q, hits, cands = self.read(question, hits, lang)
        if not cands:
            return Assessment(q, tuple(hits), (), None, {})
        scored = sorted(
            (replace(c, score=params.choice_score(c.features)) for c in cands),
            key=lambda c: -c.score,
        )
        best = scored[0]
        runner_up = scored[1].score if len(scored) > 1 else None
        best_weakest = max(c.features["weakest_passage"] for c in scored)
        features = answer_features(best.score, runner_up, best_weakest, retrieval_margin(hits), best.features)
        return Assessment(q, tuple(hits), tuple(scored), params.probability(features), features)

    def read(self, question: str, hits: list[Hit], lang: str) -> tuple[Question, list[Hit], list[Candidate]]:
        """The question analysed (one forward pass), the passages to read and their candidate sentences,
        unscored. Besides `hits`, the passage that continues the first one is read: a chunk boundary may cut
        the sentence that leads to a value from the one that gives it."""
        self.embedder.warm_up()
        vectors, states, _ = self.embedder.embed_with_tokens([question], kind="query")
        q = analyse(question, lang, vectors[0], query_words(question, states[0], lang))
        hits = self._with_following(hits)
        return q, hits, self.candidates(q, hits)

    def _with_following(self, hits: list[Hit]) -> list[Hit]:
        if not hits or self.store is None:
            return list(hits)
        _, following = self.store.neighbours(hits[0].chunk.id)
        if following is None or any(h.chunk.id == following.id for h in hits):
            return list(hits)
        return [*hits, Hit(following, hits[-1].score)]

    def candidates(self, q: Question, hits: list[Hit]) -> list[Candidate]:
        """Every sentence of the passages with its choice features (unscored); none without passages."""
        if not hits:
            return []
        stored = self.store.passages(h.chunk.id for h in hits) if self.store is not None else {}
        found, sentence_vecs, _ = sentence_vectors([h.chunk for h in hits], stored, self.embedder.embed_passages, self.embedder.dim)
        passage_vecs = self._passage_vectors(stored, hits)
        tokens = self._tokens(stored, hits)
        # every passage's and every sentence's tokens aligned with the question in one product
        blocks: list[np.ndarray] = []
        for hit, spans, states in zip(hits, found, tokens):
            shift = len(passage_text(hit.chunk)) - len(hit.chunk.text)  # token offsets count the section title too
            blocks.append(states.vectors)
            blocks += [states.vectors[(states.spans[:, 0] >= a + shift) & (states.spans[:, 1] <= b + shift)] for a, b in spans]
        aligned = iter(word_scores(q.words, blocks))
        asked = stems(q.words.texts)  # a name the question gives is no answer to "who"
        out: list[Candidate] = []
        row = 0
        for i, (hit, spans) in enumerate(zip(hits, found)):
            chunk = hit.chunk
            passage_scores = next(aligned)
            passage_cov, passage_weak = coverage(q.words, passage_scores), weakest(q.words, passage_scores)
            numbers = stated_numbers(chunk.text)
            missing = len(q.numbers - numbers) / len(q.numbers) if q.numbers else 0.0
            weakest_word = _weakest_word(q, passage_scores)
            passage_sim = float(passage_vecs[i] @ q.vector)
            across = float(chunk.lang != q.lang)
            retrieval = float(hit.score - hits[0].score)
            for a, b in spans:
                vec = sentence_vecs[row]
                row += 1
                text = chunk.text[a:b].strip()
                scores = next(aligned)
                stated_years = years(text)
                features = {
                    "sentence": float(vec @ q.vector),
                    "passage": passage_sim,
                    "aligned_sentence": coverage(q.words, scores),
                    "aligned_passage": passage_cov,
                    "weakest_sentence": weakest(q.words, scores),
                    "weakest_passage": passage_weak,
                    "numbers_missing": missing,
                    "other_years": float(bool(q.years) and bool(stated_years) and not stated_years & q.years),
                    "lacks_value": float(q.wants_value and not holds(q.kind, text, chunk.lang, q.numbers, asked)),
                    "same_language": 1.0 - across,
                    "retrieval": retrieval,
                    "rank": float(np.log1p(i)),
                }
                features["sentence_across"] = across * features["sentence"]
                features["aligned_across"] = across * features["aligned_sentence"]
                out.append(Candidate(i, a, b, text, vec, features, weakest_word))
        return out

    def _passage_vectors(self, stored: dict[str, Passage], hits: list[Hit]) -> np.ndarray:
        if all(h.chunk.id in stored for h in hits):
            return np.array([stored[h.chunk.id].vector for h in hits], dtype=np.float32).reshape(len(hits), -1)
        return self.embedder.embed_passages([passage_text(h.chunk) for h in hits])

    def _tokens(self, stored: dict[str, Passage], hits: list[Hit]) -> list[TokenStates]:
        """Each passage's token states: stored ones from the live index, the others embedded here (a passage
        from elsewhere, or an index written before token states were kept)."""
        states = [stored[h.chunk.id].tokens if h.chunk.id in stored else None for h in hits]
        missing = [i for i, s in enumerate(states) if s is None]
        if missing:
            _, fresh, _ = self.embedder.embed_with_tokens([passage_text(hits[i].chunk) for i in missing])
            for i, s in zip(missing, fresh):
                states[i] = s
        return states  # type: ignore[return-value]

    # -- answering ----------------------------------------------------------------------------------
    def _wants_summary(self, q: Question) -> bool:
        """The main points, not one fact: asked in so many words, or the question names a part of the
        document ("according to the conclusion, ...") and asks for no particular value."""
        if q.kind == "summary":
            return True
        return q.kind == "other" and part_named(q.text, q.lang, self.settings.chunking.languages) is not None

    def _summary(self, a: Assessment) -> list[Candidate]:
        """The best sentence, then the next best that are nearly as good and say something new."""
        best = a.candidates[0]
        chosen = [best]
        for c in a.candidates[1:]:
            if len(chosen) == SUMMARY_MAX or c.score < best.score - SUMMARY_MARGIN:
                break
            if max(float(c.vector @ o.vector) for o in chosen) < NEAR_DUPLICATE:
                chosen.append(c)
        return chosen

    def _with_value(self, a: Assessment) -> list[Candidate]:
        """The best sentence, and when it lacks the value asked for ("hangi yıl", "how many"), the best sentence
        of its passage or the one next to it that holds one: a passage often names the event in one sentence and
        gives its date in the next. (A choice-score margin on that companion was measured: it changed nothing on
        calibration, check3 or train and cost the dev set one value.)"""
        best = a.candidates[0]
        if not best.features["lacks_value"]:
            return [best]
        near = self._neighbours(a.passages[best.hit_index].chunk.id)
        value = next(
            (c for c in a.candidates[1:] if not c.features["lacks_value"] and a.passages[c.hit_index].chunk.id in near),
            None,
        )
        return [best] if value is None else [best, value]

    def _neighbours(self, chunk_id: str) -> set[str]:
        """The chunk and the chunks just before and after it in its section."""
        if self.store is None:
            return {chunk_id}
        return {chunk_id, *(c.id for c in self.store.neighbours(chunk_id) if c is not None)}

    def _related(self, a: Assessment, passages: list[Hit]) -> tuple[Related, ...]:
        """The passages closest to the question, each with its best sentence: not an answer, a place to read."""
        seen: dict[int, Candidate] = {}
        for c in a.candidates:
            seen.setdefault(c.hit_index, c)
        best = sorted(seen.values(), key=lambda c: -c.score)[:RELATED]
        return tuple(Related(passages[c.hit_index].chunk, c.text, c.score) for c in best)

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
            label = "" if chunk.lang == lang else source_label(lang, chunk.lang)
            parts.append((label, f"“{nest_quotes(c.text)}” [{n}]"))
        labels = {label for label, _ in parts}
        head = ACCORDING_TO.get(lang, ACCORDING_TO["en"])
        if len(labels) == 1 and next(iter(labels)):
            head = f"{head.rstrip(':')} ({next(iter(labels))}):"
            body = " ".join(q for _, q in parts)
        else:
            body = " ".join(f"{label[:1].upper() + label[1:] + ': ' if label else ''}{q}" for label, q in parts)
        return Answer(
            text=f"{head} {body}",
            lang=lang,
            citations=tuple(citations),  # one per quote; two quotes from one passage share its [n]
            answerer=self.name,
            timings={"answer": time.perf_counter() - t0},
        )

    def _refuse(self, lang: str, reason: str, related: tuple[Related, ...], t0: float) -> Answer:
        return Answer(
            text=refusal(lang), lang=lang, refused=True, reason=reason, answerer=self.name, related=related,
            timings={"answer": time.perf_counter() - t0},
        )


def retrieval_margin(hits: list[Hit]) -> float:
    """How far retrieval put the first passage above the second (its scores are the rerank's for both)."""
    return float(hits[0].score - hits[1].score) if len(hits) > 1 else 1.0


def _weakest_word(q: Question, scores: np.ndarray) -> str:
    """The question's weighty word this passage states least closely (for a refusal's reason): not one of the
    language's function words, whatever its frequency says ("Peki"), and cut short when it is no word at all
    (a question of 2,000 letters without a space)."""
    if not len(q.words):
        return ""
    function_words = lexicon(q.lang).function_words
    weights = np.array([0.0 if fold(t) in function_words else w for t, w in zip(q.words.texts, q.words.weights)])
    weighty = np.flatnonzero(weights >= max(weights.max() * 0.5, 1e-6))
    if not len(weighty):
        return ""
    word = q.words.texts[int(weighty[np.argmin(scores[weighty])])]
    return word if len(word) <= REASON_WORD else word[: REASON_WORD - 1] + "…"


_INNER_QUOTES = str.maketrans({"“": "‘", "”": "’", '"': "'", "«": "‘", "»": "’", "„": "‘"})


def nest_quotes(text: str) -> str:
    """Double quotes inside a quotation become single ones, so the quotation's own marks stay unambiguous
    (readers and tools find where the quoted words end). The citation keeps the verbatim text and offsets."""
    return text.translate(_INNER_QUOTES)
