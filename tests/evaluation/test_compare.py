"""compare_runs: paired deltas with CIs, ranx significance tests, flipped questions."""
from __future__ import annotations

import pytest
from test_report import SCRIPT_A

from evaluation.compare import (
    compare_runs,
    format_comparison,
    paired_bootstrap_ci,
    write_comparison,
)

# B fixes d003 (miss -> hit) and d022 (now refuses); breaks d001 (now refused) and d023 (evidence at rank 7)
SCRIPT_B = {**SCRIPT_A, "d003": "good@1", "d022": "refuse", "d001": "miss", "d023": "good@7"}


@pytest.fixture(scope="module")
def comparison(make_run):
    return compare_runs(make_run("run_a", SCRIPT_A), make_run("run_b", SCRIPT_B))


def test_flips(comparison):
    f = comparison.flips
    assert f["miss→hit@5"] == ["d003"]
    assert sorted(f["hit@5→miss"]) == ["d001", "d023"]
    assert sorted(f["answered→refused"]) == ["d001", "d022"] and f["refused→answered"] == ["d003"]
    assert "d022" in f["fail→pass"] and "d001" in f["pass→fail"]
    assert comparison.n_common == len(SCRIPT_A) and not comparison.only_a and not comparison.only_b


def test_deltas_are_paired_with_cis_and_ranx_pvalues(comparison):
    d = {x.metric: x for x in comparison.deltas}
    r5 = d["recall@5"]
    assert r5.n == 10 and r5.delta == pytest.approx(-1 / 10)  # +d003, -d001, -d023
    assert r5.a == pytest.approx(0.6) and r5.b == pytest.approx(0.5)
    assert r5.ci is not None and r5.ci[0] <= r5.delta <= r5.ci[1]
    assert r5.p_ttest is not None and 0 < r5.p_ttest <= 1 and r5.p_fisher is not None
    assert d["refusal"].delta == pytest.approx(0.5)
    assert d["latency"].n == comparison.n_common
    assert d["citation_precision"].p_ttest is None  # ranx tests cover retrieval only


def test_identical_runs_have_zero_deltas(make_run):
    a = make_run("run_a", SCRIPT_A)
    c = compare_runs(a, a)
    assert not c.flips
    for x in c.deltas:
        if x.metric != "latency":
            assert x.delta == 0 and (x.ci is None or x.ci == (0.0, 0.0))
    assert c.label_a != c.label_b  # same label made distinct for ranx


def test_paired_bootstrap_ci():
    a, b = [0, 0, 1, 1, 0, 1, 0, 0], [1, 1, 1, 1, 1, 1, 0, 1]
    lo, hi = paired_bootstrap_ci(a, b)
    assert 0 < lo <= 5 / 8 <= hi <= 1
    assert paired_bootstrap_ci(a, b) == (lo, hi)


def test_format_and_markdown(comparison, tmp_path):
    text = format_comparison(comparison)
    assert "Recall@5" in text and "B−A" in text and "hit@5→miss (2): " in text
    md = write_comparison(comparison, tmp_path / "compare.md").read_text(encoding="utf-8")
    assert md.startswith("# Comparison: run_b vs run_a") and "| Recall@5 |" in md and "d003" in md
