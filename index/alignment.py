"""How much of a question a passage states: its words aligned with the passage's tokens by the model.

Each word of the question is met with the passage token closest to it in context (MaxSim over the token states
of `Embedder.embed_with_tokens`, as ColBERT and BERTScore do), so "Second Karabakh War" meets "2. Karabağ
Savaşı", "Ashgabat" meets "Aşkabat" and "Russian gas" meets "Rus gazı" whatever the language or spelling, while
a name the passage never states finds only a distant token. Words weigh by how much they pin down: a rare word
("Karabakh", Zipf 2.6) fully, a function word ("the", "did") not at all, by its frequency in the question's
language (`kaynak.lexicon`). Plain functions over arrays: the rerank and the answerer both read them.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from index.embedder import TokenStates
from kaynak.lexicon import lexicon

# A word as common as this (Zipf: 6.5 = once per 300 words, "how", "many") pins down nothing; one as rare as
# RARE_ZIPF ("Karabakh", "Aşkabat", "DEARSAN") pins down fully; weights run linearly between.
COMMON_ZIPF, RARE_ZIPF = 6.5, 3.0
# Words weighing at least this are the question's "rare" words: what `weakest` looks at.
RARE_WEIGHT = 0.5
_EDGE = " \t\n?!.,;:\"'’“”«»()[]"  # punctuation a word's tokens carry at its edges ("jets?")


@dataclass(frozen=True)
class QueryWords:
    """A question's words: the token states of each, and how much each pins down."""

    texts: tuple[str, ...]
    groups: tuple[np.ndarray, ...]  # per word, the rows of `vectors` that spell it
    weights: np.ndarray  # per word, in [0, 1]
    vectors: np.ndarray  # (n tokens, dim)

    def __len__(self) -> int:
        return len(self.texts)


def query_words(text: str, states: TokenStates, lang: str) -> QueryWords:
    """Group the question's tokens into words (the tokenizer's word-start marks) and weigh each word; words
    with no letter or digit ("?", "–") are left out."""
    groups: list[list[int]] = []
    for i, start in enumerate(states.starts):
        if start or not groups:
            groups.append([i])
        else:
            groups[-1].append(i)
    lex = lexicon(lang)
    texts, kept, weights = [], [], []
    for g in groups:
        word = text[states.spans[g[0]][0] : states.spans[g[-1]][1]].strip(_EDGE)
        if not any(ch.isalnum() for ch in word):
            continue
        texts.append(word)
        kept.append(np.array(g, dtype=np.int64))
        weights.append(word_weight(lex.zipf(word)))
    return QueryWords(tuple(texts), tuple(kept), np.array(weights, dtype=np.float32), states.vectors)


def word_weight(zipf: float) -> float:
    """How much a word of this frequency pins down, in [0, 1] (see COMMON_ZIPF, RARE_ZIPF)."""
    return float(np.clip((COMMON_ZIPF - zipf) / (COMMON_ZIPF - RARE_ZIPF), 0.0, 1.0))


def word_scores(words: QueryWords, passages: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Per passage (token vectors (m, dim), or a sentence's share of them), per question word, how closely the
    passage states it: the mean over the word's tokens of each token's best cosine with a passage token; 0 for
    every word of a passage with no tokens. All passages go through one matrix product: a multi-threaded BLAS
    spends longer waking its threads for each small product than on the arithmetic, so the 30 passages a
    question is aligned with cost several times more one at a time."""
    if not len(words):
        return [np.zeros(0, dtype=np.float32) for _ in passages]
    out = [np.zeros(len(words), dtype=np.float32) for _ in passages]
    filled = [i for i, p in enumerate(passages) if len(p)]
    if not filled:
        return out
    sizes = [len(passages[i]) for i in filled]
    sim = np.vstack([passages[i] for i in filled]) @ words.vectors.T
    best = np.maximum.reduceat(sim, np.cumsum([0, *sizes[:-1]]), axis=0)  # (passages, question tokens)
    mean = np.zeros((len(words.vectors), len(words)), dtype=np.float32)  # question token -> its word's mean
    for w, g in enumerate(words.groups):
        mean[g, w] = 1.0 / len(g)
    for i, row in zip(filled, best @ mean):
        out[i] = row
    return out


def coverage(words: QueryWords, scores: np.ndarray) -> float:
    """The words' scores averaged by weight: how much of what the question pins down the passage states.
    With no weighty word (a question of function words only) every word counts alike."""
    if not len(words):
        return 0.0
    w = words.weights if words.weights.sum() > 0 else np.ones_like(words.weights)
    return float((w * scores).sum() / w.sum())


def weakest(words: QueryWords, scores: np.ndarray) -> float:
    """The score of the least-stated rare word (weight >= RARE_WEIGHT): a near miss states all of a question
    but one name or number. `coverage` when the question has no rare word."""
    rare = words.weights >= RARE_WEIGHT
    return float(scores[rare].min()) if rare.any() else coverage(words, scores)
