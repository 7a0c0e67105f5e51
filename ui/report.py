"""The Evaluation tab's results: the summary table and bar charts, headed in the interface language.

Metric names (recall@5, mrr, ...) stay as the evaluation report and summary.json write them, so the page, the
downloaded report and docs/evaluation.md name a number the same way.
"""
from __future__ import annotations

import base64
import io
from typing import Any

from ui.i18n import N_, Gettext

TABLE_HEADERS = [N_("metric"), N_("value"), N_("95% CI"), N_("questions")]


def table_headers(_: Gettext) -> list[str]:
    return [_(h) for h in TABLE_HEADERS]


def summary_table(summary: Any, _: Gettext) -> dict[str, Any]:
    """Rows of the summary table (value, bootstrap interval, questions counted) under translated headers."""
    rows = []
    for name, m in summary.metrics.items():
        v, ci = m.get("value"), m.get("ci")
        rows.append([name, "—" if v is None else round(float(v), 3),
                     "" if not ci else f"[{ci[0]:.3f}, {ci[1]:.3f}]", m.get("n")])
    lat = summary.latency
    for key in ("p50", "p95"):
        if lat.get(key) is not None:
            rows.append([_("latency {p} (s)").format(p=key), round(float(lat[key]), 3), "", summary.n])
    return {"headers": table_headers(_), "data": rows}


def _png(fig: Any) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    data = base64.b64encode(buf.getvalue()).decode()
    return f'<img alt="plot" style="max-width:100%" src="data:image/png;base64,{data}">'


def eval_plots(summary: Any, _: Gettext) -> str:
    """Bar charts of the headline metrics overall and by language, as inline PNGs (no network)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    imgs = []
    metrics = [k for k, m in summary.metrics.items() if m.get("value") is not None][:8]
    if metrics:
        fig = Figure(figsize=(7, 3))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.barh(metrics, [float(summary.metrics[m]["value"]) for m in metrics], color="#4a7ab5")
        ax.set_xlim(0, 1)
        ax.set_title(_("overall"))
        imgs.append(_png(fig))
    by_lang = summary.groups.get("lang") or {}
    if by_lang and metrics:
        fig = Figure(figsize=(7, 3))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        keys = list(by_lang)
        show = metrics[:4]
        width = 0.8 / len(show)
        for i, m in enumerate(show):
            vals = [(by_lang[k].get("metrics", {}).get(m) or {}).get("value") or 0 for k in keys]
            ax.bar([x + (i - (len(show) - 1) / 2) * width for x in range(len(keys))], vals, width, label=m)
        ax.set_xticks(range(len(keys)), [f"{k} (n={by_lang[k].get('n')})" for k in keys])
        ax.set_ylim(0, 1.05)
        ax.legend(fontsize=7)
        ax.set_title(_("by question language"))
        imgs.append(_png(fig))
    return "".join(imgs)
