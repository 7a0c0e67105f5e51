"""Weighted RRF on hand-built rankings whose scores are worked out by hand."""
from __future__ import annotations

import copy

import pytest

from index.fusion import rrf


def approx(pairs):
    return [(p, pytest.approx(s, abs=1e-12)) for p, s in pairs]


def test_single_ranking_keeps_order_and_scores():
    assert rrf([[7, 3, 9]]) == approx([(7, 1 / 61), (3, 1 / 62), (9, 1 / 63)])


def test_two_rankings_known_scores():
    # a: 1st and 3rd -> 1/61 + 1/63 ; b: 2nd and 1st -> 1/62 + 1/61 ; c: 3rd only ; d: 2nd only
    got = rrf([["a", "b", "c"], ["b", "d", "a"]], k=60)
    want = {
        "a": 1 / 61 + 1 / 63,
        "b": 1 / 62 + 1 / 61,
        "c": 1 / 63,
        "d": 1 / 62,
    }
    assert dict(got) == pytest.approx(want)
    assert [p for p, _ in got] == ["b", "a", "d", "c"]


def test_agreement_beats_single_first_place():
    # the point of k = 60: an item second in both lists beats an item first in only one
    got = rrf([[1, 2], [3, 2]])
    assert got[0][0] == 2


def test_k_changes_scores():
    assert rrf([[5]], k=0) == approx([(5, 1.0)])
    assert rrf([[5]], k=1) == approx([(5, 0.5)])


def test_weights():
    got = dict(rrf([[1, 2], [2, 1]], weights=[1.0, 0.5], k=10))
    assert got[1] == pytest.approx(1 / 11 + 0.5 / 12)
    assert got[2] == pytest.approx(1 / 12 + 0.5 / 11)
    # heavier first ranking wins the swap
    assert rrf([[1, 2], [2, 1]], weights=[1.0, 0.5])[0][0] == 1
    assert rrf([[1, 2], [2, 1]], weights=[0.5, 1.0])[0][0] == 2


def test_zero_weight_ranking_only_adds_items_at_zero():
    got = dict(rrf([[1], [2]], weights=[1.0, 0.0]))
    assert got == {1: pytest.approx(1 / 61), 2: 0.0}


def test_item_weight_scales_one_item_not_its_rank():
    calls = []

    def w(i, pos):
        calls.append((i, pos))
        return 0.2 if (i == 1 and pos == 9) else 1.0

    got = dict(rrf([[8, 9], [9, 8]], weights=[1.0, 0.5], k=60, item_weight=w))
    assert got[9] == pytest.approx(1 / 62 + 0.5 * 0.2 / 61)
    assert got[8] == pytest.approx(1 / 61 + 0.5 / 62)  # rank of 8 in ranking 1 is still 2
    assert sorted(calls) == [(0, 8), (0, 9), (1, 8), (1, 9)]


def test_ties_are_deterministic():
    # 4 and 2 have equal fused scores (1st + 2nd each); ties break by best single rank, then position
    got = rrf([[4, 2], [2, 4]])
    assert got[0][1] == pytest.approx(got[1][1])
    assert [p for p, _ in got] == [2, 4]  # both best rank 1 -> smaller position first
    # equal score, different best rank: 1st+3rd vs 2nd+2nd ... 1/61+1/63 != 2/62, so build an exact tie
    got = rrf([[10], [20]])
    assert [p for p, _ in got] == [10, 20]
    assert [p for p, _ in rrf([[20], [10]])] == [10, 20]
    # same inputs, same output, every time and whatever the dict order
    r = [[3, 1, 2], [2, 3, 1], [1, 2, 3]]
    first = rrf(r)
    assert all(rrf(r) == first for _ in range(5))
    assert [p for p, _ in first] == [1, 2, 3]


def test_tie_broken_by_best_rank_before_position():
    # position 9: ranks 1 and 3 in two lists with weights making its score equal to 5's (rank 2 in one list,
    # weight doubled): 1/(k+1) + 1/(k+3) vs 2/(k+2) are not equal in general; use k=0 and weights to force it
    # k=0: item 9 -> w0/1 ; item 5 -> w1/1 with equal weights -> exact tie, both best rank 1 -> position
    assert [p for p, _ in rrf([[9], [5]], k=0)] == [5, 9]
    # k=0: 9 at rank 1 in ranking 0 (weight 1) = 1.0 ; 5 at rank 2 in ranking 1 (weight 2) = 1.0
    got = rrf([[9], [0, 5]], weights=[1.0, 2.0], k=0)
    assert dict(got)[9] == dict(got)[5] == pytest.approx(1.0)
    assert [p for p, _ in got] == [0, 9, 5]  # 0: 2.0; then 9 (best rank 1) before 5 (best rank 2)


def test_inputs_not_mutated():
    rankings = [[3, 1, 2], [2, 5]]
    weights = [1.0, 0.5]
    before = copy.deepcopy((rankings, weights))
    rrf(rankings, weights)
    assert (rankings, weights) == before
    # tuples and other sequences work too
    assert rrf(((1, 2), (2,)), (1.0, 1.0))[0][0] == 2


def test_empty():
    assert rrf([]) == []
    assert rrf([[], []]) == []


def test_mismatched_weights():
    with pytest.raises(ValueError, match="2 rankings but 3 weights"):
        rrf([[1], [2]], weights=[1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="1 weights"):
        rrf([[1], [2]], weights=[1.0])


def test_negative_k():
    with pytest.raises(ValueError, match="k must be >= 0"):
        rrf([[1]], k=-1)
