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
