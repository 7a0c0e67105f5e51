"""Metrics on small hand-made cases with known values, and agreement with ranx's own evaluate."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from ranx import Qrels, Run, evaluate

from evaluation import metrics as M


def rec(id: str, retrieved: list[str], relevant: list[str], *, answerable: bool = True, lang: str = "tr",
        type: str = "factoid", evidence_lang: str = "tr", answer: str = "", refused: bool = False,
        reference: str = "", latency: float = 1.0, evidence: tuple[str, ...] = (),
        cited: tuple[str, ...] = ()) -> M.Record:
    r = M.Record(id=id, question=f"q {id}", lang=lang, type=type, evidence_lang=evidence_lang,
                 answerable=answerable, retrieved=retrieved, relevant=relevant,
                 first_hit=M.first_hit_rank(retrieved, relevant) if answerable else None, answer=answer,
                 refused=refused, citations=[{"n": i + 1, "id": f"c{i}"} for i in range(len(cited))],
                 latency=latency, reference=reference)
    r.verdicts = M.verdicts(r, evidence, cited)
    return r


# ------------------------------------------------------------------ matching


def test_holds_ignores_layout_not_content():
    passage = "Özbek- Türk\nilişkileri “stratejik” ORTAKLık düzeyine çıktı."
    assert M.holds(passage, 'Özbek-Türk ilişkileri "stratejik" ortaklık')
    assert not M.holds(passage, "Özbek-Kazak ilişkileri")
    assert not M.holds(passage, "   ")  # an empty quote holds nothing (score.py: coverage 0)


def test_holds_agrees_with_score_py_norm():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("score", Path("/work/shared/eval/score.py"))
    if spec is None or not Path(spec.origin).exists():
        pytest.skip("shared score.py not available")
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    cases = [("a- b c", "ab c"), ("Türkiye’nin  dış\npolitikası", "türkiye'nin dış politikası"),
             ("x y z", "y z w"), ("1.250 kişi", "1250 kişi")]
    for passage, quote in cases:
        assert M.holds(passage, quote) == (score.coverage(quote, passage) >= 1.0)


def test_first_hit_rank():
    assert M.first_hit_rank(["a", "b", "c"], ["c"]) == 3
    assert M.first_hit_rank(["a", "b"], ["z"]) is None
    assert M.first_hit_rank([], ["z"]) is None
    assert M.first_hit_rank([f"d{i}" for i in range(12)], ["d10"]) is None  # beyond k=10
    assert M.dedupe(["a", "b", "a", "c"]) == ["a", "b", "c"]


def test_relevant_ids():
    chunks = [("c1", "nothing here"), ("c2", "the quote is here"), ("c2", "the quote is here"), ("c3", "quote")]
    assert M.relevant_ids(["quote is here"], chunks) == ["c2"]
    assert M.relevant_ids([], chunks) == []


def test_citation_precision_and_recall():
    ev = ["alpha beta", "gamma delta"]
    texts = ["... alpha beta ...", "unrelated", "gamma  delta and alpha beta"]
    assert M.citation_support(ev, texts) == [True, False, True]
    assert M.citation_precision(ev, texts) == pytest.approx(2 / 3)
    assert M.citation_recall(ev, texts) == 1.0
    assert M.citation_recall(ev, texts[:1]) == 0.5
    assert M.citation_precision(ev, []) == 0.0  # score.py: no citations counts as 0
    assert M.citation_recall(ev, []) == 0.0
    assert M.citation_recall([], texts) is None


def test_value_match_digits_rule():
    assert M.digits("1.250 kişi ve 3 gün") == ["1250", "3"]
    assert M.value_match("numeric", "1.250 asker", "Toplam 1250 asker [1].") is True
    assert M.value_match("numeric", "1.250 asker", "Toplam 125 asker.") is False
    assert M.value_match("date", "12 Mayıs 1992", "1992 yılında") is True  # longest number: 1992
    assert M.value_match("factoid", "1992", "1992") is None
    assert M.value_match("numeric", "no digits", "1992") is None


def test_token_f1():
    assert M.token_f1("İstanbul'da IŞIK", "istanbul da ışık") == 1.0  # Turkish İ/I and punctuation
    assert M.token_f1("the cat sat [1].", "the cat") == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))
    assert M.token_f1("a b c d", "x y") == 0.0
    assert M.token_f1("", "") == 1.0
    assert M.token_f1("", "x") == 0.0


def test_framing_language_ignores_quotes_and_markers():
    assert M.framing_lang("The agreement was signed in 1992 between the two countries [1].") == "en"
    assert M.framing_lang("Anlaşma iki ülke arasında 1992 yılında imzalanmıştır [1].") == "tr"
    assert M.framing_lang("Соглашение было подписано в 1992 году между двумя странами [1].") == "ru"
    # an English frame around a long Turkish quote is English
    ans = 'The thesis says: "Türkiye ile Kırgızistan arasında askeri eğitim işbirliği anlaşması imzalanmıştır" [1].'
    assert M.lang_match(ans, "en")


# ------------------------------------------------------------------ retrieval metrics

LOG = math.log2


def hand_cases() -> list[M.Record]:
    return [
        rec("q1", ["a", "b", "c"], ["a"]),  # hit at 1
        rec("q2", ["x", "y", "r1", "z", "r2"], ["r1", "r2"]),  # hit at 3, two relevant
        rec("q3", [], []),  # empty retrieval, nothing relevant known
        rec("q4", [f"d{i}" for i in range(1, 11)], ["d7", "far"]),  # hit at 7; one relevant never retrieved
        rec("q5", ["u", "v"], ["far"]),  # no relevant retrieved doc
        rec("u1", ["a", "b"], [], answerable=False, type="unanswerable", refused=True),
    ]


HAND = {
    "recall@1": [1, 0, 0, 0, 0],
    "recall@5": [1, 1, 0, 0, 0],
    "recall@10": [1, 1, 0, 1, 0],
    "mrr@10": [1, 1 / 3, 0, 1 / 7, 0],
    "ndcg@10": [1.0, (1 / LOG(4) + 1 / LOG(6)) / (1 + 1 / LOG(3)), 0.0, (1 / LOG(8)) / (1 + 1 / LOG(3)), 0.0],
}


def test_retrieval_metrics_hand_values_and_ranx_agree():
    records = hand_cases()
    # first-hit values (score.py's definitions) before ranx
    first_hit = {m: [r.verdicts[m] for r in records[:5]] for m in ("recall@1", "recall@5", "recall@10", "mrr@10")}
    M.with_ranx(records)
    ours = {m: [r.verdicts[m] for r in records[:5]] for m in M.RETRIEVAL}
    assert records[5].verdicts["recall@5"] is None  # unanswerable: not a retrieval query (as score.py)
    for m in M.RETRIEVAL:
        np.testing.assert_allclose(ours[m], HAND[m], atol=1e-9, err_msg=m)
    for m in first_hit:
        np.testing.assert_allclose(first_hit[m], HAND[m], atol=1e-9, err_msg=m)
    # ranx's own evaluate on the same run, built independently
    qrels = Qrels({"q1": {"a": 1}, "q2": {"r1": 1, "r2": 1}, "q3": {"nothing": 1}, "q4": {"d7": 1, "far": 1},
                   "q5": {"far": 1}})
    run = Run({"q1": {"a": 3.0, "b": 2.0, "c": 1.0}, "q2": {"x": 5.0, "y": 4.0, "r1": 3.0, "z": 2.0, "r2": 1.0},
               "q3": {}, "q4": {f"d{i}": 11.0 - i for i in range(1, 11)}, "q5": {"u": 2.0, "v": 1.0}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = evaluate(qrels, run, ["hit_rate@1", "hit_rate@5", "hit_rate@10", "mrr@10", "ndcg@10"],
                          make_comparable=True)
    summary = M.aggregate(records)
    for m in M.RETRIEVAL:
        assert summary[m]["value"] == pytest.approx(theirs[M.RANX_NAMES[m]], abs=1e-9)
        assert summary[m]["value"] == pytest.approx(np.mean(HAND[m]), abs=1e-9)
        assert summary[m]["n"] == 5


def test_ties_keep_kaynaks_order():
    # kaynak ranked z before a; equal raw scores would let ranx sort by id and put "a" first
    r = rec("t", ["z", "a", "b"], ["a"])
    M.with_ranx([r])
    assert r.first_hit == 2
    assert r.verdicts["mrr@10"] == 0.5
    # ranx sorts scores with numba's (unstable) argsort, so equal scores have no guaranteed order; the run
    # handed to ranx carries strictly decreasing rank-derived scores instead of kaynak's tied ones
    _, run = M.ranx_dicts([r])
    assert run["t"] == {"z": 11.0, "a": 10.0, "b": 9.0}
    ten = rec("t10", [f"d{i}" for i in range(10)], ["d9"])  # ten tied passages, the relevant one last
    M.with_ranx([ten])
    assert ten.verdicts["mrr@10"] == pytest.approx(0.1)
    assert ten.verdicts["ndcg@10"] == pytest.approx(1 / LOG(11))


def test_duplicate_retrieved_ids_keep_first_rank():
    qrels, run = M.ranx_dicts([rec("d", ["a", "a", "b"], ["b"]), rec("e", [], [])])
    assert run == {"d": {"a": 11.0, "b": 10.0}, "e": {}}
    assert qrels == {"d": {"b": 1}, "e": {M.MISSING: 1}}


# ------------------------------------------------------------------ answer metrics


def test_answer_verdicts():
    ev = ("Kırgızistan ile askeri eğitim anlaşması 1993 yılında imzalandı",)
    good_text = "Kırgızistan ile askeri eğitim anlaşması 1993 yılında imzalandı ve uygulandı."
    ok = rec("a1", ["c"], ["c"], type="date", answer="Anlaşma 1993 yılında imzalanmıştır [1].",
             reference="1993 yılında.", evidence=ev, cited=(good_text,))
    v = ok.verdicts
    assert v["citation_precision"] == 1.0 and v["citation_recall"] == 1.0
    assert v["value_match"] == 1.0 and v["lang_match"] == 1.0 and v["false_refusal"] == 0.0
    assert v["refusal"] is None
    assert not ok.failures

    bad = rec("a2", ["c"], ["c"], type="date", answer="Anlaşma 1994 yılında imzalanmıştır [1] [2].",
              reference="1993", evidence=ev, cited=(good_text, "başka bir pasaj"))
    assert bad.verdicts["citation_precision"] == 0.5 and bad.verdicts["value_match"] == 0.0
    assert "unsupported citation" in bad.failures and "reference value missing" in bad.failures

    refused = rec("a3", ["c"], ["c"], answer="Belgede yer almıyor.", refused=True, reference="x", evidence=ev)
    v = refused.verdicts
    assert v["false_refusal"] == 1.0 and v["token_f1"] == 0.0
    assert v["citation_precision"] is None and v["value_match"] is None and v["lang_match"] is None
    assert "refused an answerable question" in refused.failures

    un_ok = rec("u1", ["c"], [], answerable=False, type="unanswerable", refused=True, answer="Belgede yer almıyor.")
    un_bad = rec("u2", ["c"], [], answerable=False, type="unanswerable", answer="1995 yılında [1].")
    assert un_ok.verdicts["refusal"] == 1.0 and un_ok.verdicts["false_refusal"] is None
    assert un_bad.verdicts["refusal"] == 0.0 and un_bad.failures == ["answered an unanswerable question"]
    assert un_ok.verdicts["recall@5"] is None and un_ok.verdicts["citation_precision"] is None

    agg = M.aggregate([ok, bad, refused, un_ok, un_bad])
    assert agg["citation_precision"]["value"] == pytest.approx(0.75) and agg["citation_precision"]["n"] == 2
    assert agg["false_refusal"]["value"] == pytest.approx(1 / 3)
    assert agg["refusal"]["value"] == pytest.approx(0.5) and agg["refusal"]["n"] == 2
    assert agg["value_match"]["value"] == pytest.approx(0.5)
    assert agg["faithfulness"] == {"value": None, "ci": None, "n": 0}


def test_bootstrap_ci_is_fixed_and_sane():
    vals = [1, 0, 1, 1, 0, 1, 1, 1, 0, 1]
    a, b = M.bootstrap_ci(vals), M.bootstrap_ci(vals)
    assert a == b  # fixed seed
    assert a[0] <= np.mean(vals) <= a[1] and 0 <= a[0] < a[1] <= 1
    assert M.bootstrap_ci([1, 1, 1]) == (1.0, 1.0)
    assert M.bootstrap_ci([0.5]) is None and M.bootstrap_ci([]) is None


def test_groups_and_latency():
    rs = [rec("1", ["a"], ["a"], lang="en", evidence_lang="tr", type="cross_lingual", latency=1.0),
          rec("2", ["a"], ["b"], lang="en", evidence_lang="en", latency=2.0),
          rec("3", ["a"], ["a"], lang="tr", latency=3.0),
          rec("4", [], [], answerable=False, lang="tr", type="unanswerable", refused=True, latency=10.0)]
    M.with_ranx(rs)
    s = M.summarize(rs)
    assert set(s["groups"]["lang"]) == {"en", "tr"}
    assert set(s["groups"]["pair"]) == {"en->tr", "en->en", "tr->tr"}
    assert set(s["groups"]["type"]) == {"cross_lingual", "factoid", "unanswerable"}
    assert s["groups"]["lang"]["en"]["metrics"]["recall@1"]["value"] == 0.5
    assert s["groups"]["lang"]["tr"]["metrics"]["refusal"]["value"] == 1.0
    assert s["latency"]["p50"] == pytest.approx(2.5)
    assert s["latency"]["p95"] == pytest.approx(np.percentile([1, 2, 3, 10], 95))
    assert s["counts"] == {"answerable": 3, "unanswerable": 1, "answered": 3, "refused": 1, "errors": 0,
                           "failures": 3}  # 1-3 cite nothing; 2 also misses


def test_empty_records():
    s = M.summarize([])
    assert s["n"] == 0 and s["metrics"]["recall@5"]["value"] is None and s["latency"]["p50"] is None
