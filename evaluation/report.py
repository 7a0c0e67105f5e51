"""report.md (tables to paste into a README) and a self-contained report.html (inline CSS, PNG plots as data URIs).

Nothing in the HTML is fetched: no scripts, fonts, stylesheets or images from anywhere; every text is escaped.
"""
from __future__ import annotations

import base64
import html
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

from . import metrics as M

if TYPE_CHECKING:
    from .summary import Summary

RETRIEVAL_PLOT = ("recall@1", "recall@5", "recall@10")
TYPE_PLOT = ("recall@5", "citation_precision", "value_match")


def ordered(records: Sequence[M.Record]) -> list[M.Record]:
    """Failures first (errors, then more reasons first), then passes; file order otherwise."""
    return sorted(records, key=lambda r: (not r.failures, not r.error, -len(r.failures)))


def _headline_rows(summary: Summary) -> list[tuple[str, str, str, str]]:
    rows = []
    for m in M.HEADLINE:
        d = summary.metrics[m]
        if d["n"]:
            rows.append((M.LABELS[m], M.fmt(d["value"]), M.fmt_ci(d), str(d["n"])))
    lat = summary.latency
    rows.append(("Latency p50 (s)", M.fmt(lat["p50"], 2), "–", str(lat["n"])))
    rows.append(("Latency p95 (s)", M.fmt(lat["p95"], 2), "–", str(lat["n"])))
    return rows


GROUP_COLS = ("recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10", "citation_precision", "value_match",
              "refusal", "false_refusal", "lang_match")


def _group_rows(summary: Summary, kind: str) -> list[list[str]]:
    rows = []
    for key, g in summary.groups.get(kind, {}).items():
        rows.append([key, str(g["n"]), *(M.fmt(g["metrics"][m]["value"]) for m in GROUP_COLS)])
    return rows


def _md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(map(esc, header)) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(map(esc, r)) + " |" for r in rows]
    return "\n".join(lines)


def _title(summary: Summary) -> str:
    label = summary.meta.get("label") or ""
    return f"kaynak evaluation{': ' + label if label else ''}"


def _meta_line(summary: Summary) -> str:
    skip = {"label", "bootstrap", "relevance"}
    return ", ".join(f"{k}={v}" for k, v in summary.meta.items() if k not in skip and v not in (None, "", {}))


def render_markdown(summary: Summary, records: Sequence[M.Record]) -> str:
    fails = [r for r in ordered(records) if r.failures]
    parts = [
        f"# {_title(summary)}",
        "",
        f"{summary.n} questions ({summary.counts.get('answerable', 0)} answerable). {_meta_line(summary)}",
        "",
        "## Summary",
        "",
        _md_table(("Metric", "Value", "95% CI", "n"), _headline_rows(summary)),
        "",
        "Recall@k: share of answerable questions with a passage holding a whole evidence quote in the top k. "
        "CIs: percentile bootstrap, 1000 resamples."
        + (" Faithfulness is LLM-judged." if summary.metrics["faithfulness"]["n"] else ""),
        "",
        "## By question language",
        "",
        _md_table(("Language", "n", *(M.LABELS[m] for m in GROUP_COLS)), _group_rows(summary, "lang")),
        "",
        "## By language pair (question → evidence)",
        "",
        _md_table(("Pair", "n", *(M.LABELS[m] for m in GROUP_COLS)), _group_rows(summary, "pair")),
        "",
        "## By type",
        "",
        _md_table(("Type", "n", *(M.LABELS[m] for m in GROUP_COLS)), _group_rows(summary, "type")),
        "",
        f"## Failures ({len(fails)})",
        "",
    ]
    parts += [f"- **{r.id}** ({r.lang}, {r.type}): {'; '.join(r.failures)} — {r.question}" for r in fails]
    if not fails:
        parts.append("None.")
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------- plots


def _figure(w: float, h: float) -> tuple[Any, Any]:
    """A pyplot-free Figure (Agg canvas): no global backend state, nothing left open."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(w, h))
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _bars(groups: dict[str, Any], metrics: Sequence[str], title: str) -> str | None:
    import numpy as np

    keys = list(groups)
    if not keys:
        return None
    fig, ax = _figure(max(4.0, 1.2 * len(keys) + 2), 3.2)
    width = 0.8 / len(metrics)
    x = np.arange(len(keys))
    for i, m in enumerate(metrics):
        vals = [groups[k]["metrics"][m]["value"] for k in keys]
        ax.bar(x + (i - (len(metrics) - 1) / 2) * width, [v if v is not None else 0 for v in vals], width,
               label=M.LABELS[m])
    ax.set_xticks(x, [f"{k}\n(n={groups[k]['n']})" for k in keys])
    ax.set_ylim(0, 1.05)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def _latency_hist(records: Sequence[M.Record]) -> str | None:
    lat = [r.latency for r in records]
    if not lat:
        return None
    fig, ax = _figure(5, 3)
    ax.hist(lat, bins=min(30, max(5, len(lat) // 2)), color="#4a7ab5")
    ax.set_xlabel("seconds per question")
    ax.set_ylabel("questions")
    ax.set_title("Latency")
    return _png(fig)


# ---------------------------------------------------------------- HTML

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#222;max-width:1200px}
table{border-collapse:collapse;margin:1em 0;font-size:14px}
th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}
th{background:#f2f2f2} td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td{background:#fff3f3} tr.pass td{background:#f4fbf4}
.small{font-size:12px;color:#555} .excerpt{font-size:12px;color:#333;max-width:420px}
img{max-width:100%;margin:0.5em 1em 0.5em 0;border:1px solid #eee}
"""


def _h(s: Any) -> str:
    return html.escape(str(s), quote=True)


def _html_table(header: Sequence[str], rows: Sequence[Sequence[str]], num_from: int = 1) -> str:
    head = "".join(f"<th>{_h(c)}</th>" for c in header)
    body = "".join(
        "<tr>" + "".join(f"<td class=\"num\">{_h(c)}</td>" if i >= num_from else f"<td>{_h(c)}</td>"
                         for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _verdict_text(r: M.Record) -> str:
    v = r.verdicts
    bits = [f"first hit {r.first_hit}" if r.first_hit else ("no hit" if r.answerable else "unanswerable")]
    for m, name in (("citation_precision", "cite P"), ("citation_recall", "cite R"), ("value_match", "value"),
                    ("token_f1", "F1"), ("lang_match", "lang"), ("faithfulness", "faithful (LLM)")):
        if v.get(m) is not None:
            bits.append(f"{name} {M.fmt(v[m], 2)}")
    if r.refused:
        bits.append("refused")
    bits.append(f"{r.latency:.2f}s")
    return ", ".join(bits)


def render_html(summary: Summary, records: Sequence[M.Record]) -> str:
    plots = [
        _bars(summary.groups.get("lang", {}), RETRIEVAL_PLOT, "Recall@k by question language"),
        _bars(summary.groups.get("type", {}), TYPE_PLOT, "By question type"),
        _latency_hist(records),
    ]
    imgs = "".join(f'<img alt="plot" src="{p}">' for p in plots if p)
    rows = []
    for r in ordered(records):
        cites = "".join(
            f"<div class=\"excerpt\">[{_h(c['n'])}] {'✓' if c.get('supported') else '✗'} "
            f"<b>{_h(c.get('quote', ''))}</b><br><span class=\"small\">{_h(c.get('section', ''))}, "
            f"p. {_h(c.get('page', ''))}: {_h(c.get('excerpt', ''))}…</span></div>" for c in r.citations)
        status = "; ".join(r.failures) or "pass"
        rows.append(
            f"<tr class=\"{'fail' if r.failures else 'pass'}\"><td>{_h(r.id)}<br><span class=\"small\">"
            f"{_h(r.lang)} · {_h(r.type)}</span></td><td>{_h(r.question)}<br><span class=\"small\">reference: "
            f"{_h(r.reference)}</span></td><td>{_h(r.answer)}</td><td>{cites or '–'}</td>"
            f"<td><b>{_h(status)}</b><br><span class=\"small\">{_h(_verdict_text(r))}</span></td></tr>")
    group_sections = "".join(
        f"<h2>{_h(title)}</h2>" + _html_table((first, "n", *(M.LABELS[m] for m in GROUP_COLS)),
                                               _group_rows(summary, kind))
        for kind, title, first in (("lang", "By question language", "Language"),
                                   ("pair", "By language pair (question → evidence)", "Pair"),
                                   ("type", "By type", "Type")))
    faith = summary.metrics["faithfulness"]["n"]
    nfail = sum(bool(r.failures) for r in records)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{_h(_title(summary))}</title>
<style>{_CSS}</style></head><body>
<h1>{_h(_title(summary))}</h1>
<p class="small">{_h(summary.n)} questions ({_h(summary.counts.get('answerable', 0))} answerable, {nfail} failures).
{_h(_meta_line(summary))}</p>
<h2>Summary</h2>
{_html_table(("Metric", "Value", "95% CI", "n"), _headline_rows(summary))}
<p class="small">Recall@k: share of answerable questions with a passage holding a whole evidence quote in the top k.
CIs: percentile bootstrap, 1000 resamples.{' Faithfulness is LLM-judged: a language model scored it.' if faith else ''}</p>
{imgs}
{group_sections}
<h2>Questions (failures first)</h2>
<table><thead><tr><th>id</th><th>Question</th><th>Answer</th><th>Cited passages</th><th>Verdict</th></tr></thead>
<tbody>{''.join(rows)}</tbody></table>
</body></html>
"""


def write_reports(out_dir: Path, summary: Summary, records: Sequence[M.Record]) -> tuple[Path, Path]:
    """Write report.md and report.html into out_dir; return their paths."""
    md, page = Path(out_dir) / "report.md", Path(out_dir) / "report.html"
    md.write_text(render_markdown(summary, records), encoding="utf-8")
    page.write_text(render_html(summary, records), encoding="utf-8")
    return md, page
