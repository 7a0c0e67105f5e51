"""The eval gate's verdicts: a floor, a ceiling (false refusal: lower is better), a metric this run did not measure."""
from __future__ import annotations

from evaluation.cli import check_floors


def test_each_miss_says_which_way_it_missed() -> None:
    metrics = {"recall@5": {"value": 0.8}, "false_refusal": {"value": 0.091}, "faithfulness": {"value": None},
               "citation_precision": {"value": 0.97}}
    missed = check_floors(metrics, {"recall@5": 0.9, "false_refusal": 0.05, "faithfulness": 0.8,
                                    "citation_precision": 0.93})
    assert missed == ["recall@5 0.8 below its floor 0.9", "false_refusal 0.091 above its ceiling 0.05",
                      "faithfulness not measured in this run (floor 0.8)"]
    assert check_floors(metrics, {"false_refusal": 0.1, "citation_precision": 0.93}) == []


def test_evidence_that_no_passage_holds_or_that_is_too_short_is_named() -> None:
    from evaluation.cli import evidence_warnings
    from evaluation.qa import QAItem

    passage = ("Kırgız-Türk ilişkileri, 18 Aralık 1991 tarihinde Türkiye’nin Kırgızistan’ın bağımsızlığını tanımasına "
               "kadar uzanmaktadır.")
    passages = [passage]
    items = [
        QAItem(id="q1", question="?", lang="tr", answer="18 Aralık 1991", type="date", section="", evidence_lang="tr",
               evidence=["18 Aralık 1991 tarihinde Türkiye’nin Kırgızistan’ın"]),
        QAItem(id="q2", question="?", lang="tr", answer="x", type="date", section="", evidence_lang="tr",
               evidence=["19 Aralık 1991 tarihinde Türkiye’nin Kırgızistan’ın"]),
        QAItem(id="q3", question="?", lang="tr", answer="x", type="factoid", section="", evidence_lang="tr",
               evidence=["a"]),
        QAItem(id="q4", question="?", lang="tr", answer="Belgede yer almıyor.", type="unanswerable", section="",
               evidence_lang="tr"),
    ]
    warnings = evidence_warnings(items, passages)
    assert len(warnings) == 2
    assert warnings[0].startswith("evidence of 1 question(s) is in no single passage") and "(q2)" in warnings[0]
    assert warnings[1].startswith("evidence of 1 question(s) has quotes under 20 characters (q3)")
    assert evidence_warnings(items[:1] + items[3:], passages) == []
