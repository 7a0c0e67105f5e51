"""One answerability model: which sentence answers, and whether it answers at all, from fitted weights.

Two small linear models over features that hold in any language and any document:

- the *choice* (a conditional logit over the candidate sentences of the passages read) picks the sentence
  that answers: how close it and its passage are to the question, how much of the question they state word by
  word (`index.alignment`), whether they state the question's numbers and years, whether the sentence holds the
  kind of value asked for, the passage's retrieval rank;
- the *answer* model (a logistic regression) decides whether that sentence answers the question at all: the
  choice's score and its margin over the runner-up, the chosen sentence's features, and how much of the
  question's rarest word any passage read states. Below the threshold kaynak refuses.

Weights, bias and threshold are fitted by benchmarks/fit_answerability.py (leave-one-set-out over every question
set the project has) and saved as a small versioned JSON file named after the embedding model
(``assistant/fitted/answerability-<model>.json``): e5 cosines live in a model-specific band, so the numbers
belong to the model, not to this code.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from kaynak.config import DEFAULT_MODEL
from kaynak.fitted import fitted_path, read_fitted, write_fitted

FITTED = Path(__file__).resolve().parent / "fitted"
VERSION = 1

# What the choice weighs per candidate sentence (computed in assistant.extractive.candidates).
CHOICE_FEATURES = (
    "sentence",  # cosine of question and sentence
    "passage",  # cosine of question and passage
    "aligned_sentence",  # weighted share of the question's words the sentence states (index.alignment.coverage)
    "aligned_passage",  # ... the passage states
    "weakest_sentence",  # how closely the sentence states the question's least-stated rare word
    "weakest_passage",
    "numbers_missing",  # share of the question's numbers the passage does not state (0 with none)
    "other_years",  # the sentence states years and none of the question's
    "lacks_value",  # the question asks for a value (amount, date, name, reason) the sentence does not hold
    "same_language",  # sentence and question in one language (cosines run higher within a language)
    "sentence_across",  # the sentence's cosine again when it is in another language (0 otherwise): across
    "aligned_across",  # languages cosines and alignments run lower, so they weigh differently
    "retrieval",  # the passage's retrieval score less the first passage's (0 for the first)
    "rank",  # ln(1 + the passage's retrieval rank)
)
# What the answer model weighs for the chosen sentence: the choice's verdict, then the sentence's own features.
ANSWER_FEATURES = ("choice", "margin", "best_weakest", "retrieval_margin", *CHOICE_FEATURES)


@dataclass(frozen=True)
class Params:
    choice: dict[str, float] = field(default_factory=dict)
    answer: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0
    threshold: float = 0.5
    model: str = DEFAULT_MODEL
    version: int = VERSION
    fitted_on: str = ""
    held_out: dict[str, Any] = field(default_factory=dict)  # what leave-one-set-out measured at this fit

    def choice_score(self, features: dict[str, float]) -> float:
        return sum(self.choice.get(k, 0.0) * v for k, v in features.items())

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.answer.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def save(self, path: Path) -> None:
        write_fitted(path, self)


def params_path(model: str) -> Path:
    return fitted_path(FITTED, "answerability", model)


@cache
def load_params(model: str) -> Params:
    """The fitted model for this embedder, else the shipped model's (an error names the file to fit)."""
    data = read_fitted(FITTED, "answerability", model, VERSION)
    if data is None:
        raise FileNotFoundError(f"no answerability model for {model}: run benchmarks/fit_answerability.py")
    return Params(**data)


def answer_features(
    choice: float, runner_up: float | None, best_weakest: float, retrieval_margin: float, chosen: dict[str, float]
) -> dict[str, float]:
    """The answer model's inputs (ANSWER_FEATURES): the chosen sentence's choice score, its margin over the
    runner-up (a lone candidate gets a wide one), the best `weakest_passage` among the passages read, how far
    retrieval put its first passage above the second, and the chosen sentence's own features."""
    return {
        "choice": choice,
        "margin": choice - runner_up if runner_up is not None else 5.0,
        "best_weakest": best_weakest,
        "retrieval_margin": retrieval_margin,
        **chosen,
    }
