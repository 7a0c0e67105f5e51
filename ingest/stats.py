"""Counts that show at a glance whether an ingest went right (`kaynak ingest --stats`).

A language count of zero for a summary part, one giant section or a p95 far above the chunk size each point
at a repair or structure problem before any retrieval is run.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from kaynak.types import Chunk


def _percentile(sorted_values: Sequence[int], q: float) -> int:
    """Nearest-rank percentile of an already sorted list (0 for an empty one)."""
    if not sorted_values:
        return 0
    rank = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[rank]


def chunk_stats(chunks: Sequence[Chunk]) -> dict[str, Any]:
    """Chunk counts by language and by section, and chunk sizes in characters (p5, p50, p95, max)."""
    sizes = sorted(len(c.text) for c in chunks)
    return {
        "chunks": len(chunks),
        "by_lang": dict(Counter(c.lang for c in chunks).most_common()),
        "by_section": dict(Counter(c.section_path for c in chunks)),
        "chars": {
            "p5": _percentile(sizes, 5),
            "p50": _percentile(sizes, 50),
            "p95": _percentile(sizes, 95),
            "max": sizes[-1] if sizes else 0,
        },
    }


def format_stats(stats: dict[str, Any]) -> str:
    """A plain-text table of `chunk_stats` output."""
    lines = [f"chunks: {stats['chunks']}", "", "language  chunks"]
    lines += [f"{lang:<9} {n:>6}" for lang, n in stats["by_lang"].items()]
    chars = stats["chars"]
    lines += ["", "chunk size (chars): " + "  ".join(f"{k} {v}" for k, v in chars.items()), "", "chunks  section"]
    lines += [f"{n:>6}  {section or '(none)'}" for section, n in stats["by_section"].items()]
    return "\n".join(lines)
