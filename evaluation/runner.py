"""Ask every question of a QA file, judge each answer, and write results.jsonl, summary.json and the reports.

``run_eval`` takes the assistant as a plain ``ask(question) -> Answer`` callable, so the CLI, tests and
benchmarks can pass a real assistant, one in another mode, or a fake.
"""
from __future__ import annotations

import datetime as _dt
import json
import platform
import time
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from kaynak.types import Answer, Chunk

from . import metrics as M
from .qa import QAItem
from .summary import Summary

EXCERPT = 300  # characters of a cited chunk kept in results.jsonl for the report


def _citation_dicts(answer: Answer, evidence: Sequence[str]) -> tuple[list[dict[str, Any]], list[str]]:
    cites, texts = [], []
    for c in answer.citations:
        text = c.chunk.text
        texts.append(text)
        cites.append({"n": c.n, "id": c.chunk.id, "quote": c.quote, "section": c.chunk.section_path,
                      "page": c.chunk.page_start, "supported": M.holds_any(text, evidence) if evidence else None,
                      "excerpt": text[:EXCERPT]})
    return cites, texts


def judge_item(item: QAItem, answer: Answer | None, latency: float, error: str = "",
               corpus: Iterable[Chunk] = ()) -> M.Record:
    """Turn one question's Answer into a judged Record (retrieval values from the first hit; see ``with_ranx``)."""
    answer = answer or Answer(text="", lang=item.lang)
    retrieved = M.dedupe(h.chunk.id for h in answer.hits)[: M.K]
    known = [(h.chunk.id, h.chunk.text) for h in answer.hits]
    known += [(c.chunk.id, c.chunk.text) for c in answer.citations]
    known += [(c.id, c.text) for c in corpus]
    relevant = M.relevant_ids(item.evidence, known) if item.evidence else []
    cites, texts = _citation_dicts(answer, item.evidence)
    rec = M.Record(
        id=item.id, question=item.question, lang=item.lang, type=item.type, evidence_lang=item.evidence_lang,
        answerable=item.answerable, retrieved=retrieved, relevant=relevant,
        first_hit=M.first_hit_rank(retrieved, relevant) if item.answerable else None,
        answer=answer.text, refused=bool(answer.refused), citations=cites, latency=round(latency, 4),
        reference=item.answer, section=item.section, error=error,
    )
    rec.verdicts = M.verdicts(rec, item.evidence, texts)
    return rec


def run_eval(
    items: list[QAItem],
    ask: Callable[[str], Answer],
    out_dir: Path,
    progress: bool = True,
    label: str = "",
    *,
    meta: Mapping[str, Any] | None = None,
    corpus: Sequence[Chunk] | None = None,
    chat_model: Any = None,
) -> Summary:
    """Ask each question, judge the answers and write the run to ``out_dir``.

    ``ask(question)`` must return an ``Answer`` whose ``.hits`` are the ranked retrieved passages (top 10 are
    scored). Each call is timed (wall clock). An exception from ``ask`` is recorded as that question's
    ``error`` (an empty, unrefused answer) and the run goes on.

    Writes ``results.jsonl`` (one judged record per question), ``summary.json`` (metrics with 95% bootstrap
    CIs, latency, groups by language / language pair / type, and ``meta``), ``report.md`` and ``report.html``.

    ``label`` names the run in reports and comparisons; ``meta`` (mode, model, settings, ...) is stored as
    given. ``corpus``: every indexed chunk, if available, so nDCG's ideal ranking knows all relevant chunks
    (otherwise the relevant set is the retrieved and cited chunks holding a quote). ``chat_model``: a LangChain
    chat model (anything with ``.invoke(messages).content``) enables LLM-judged faithfulness.
    """
    from tqdm import tqdm

    from .report import write_reports

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = _dt.datetime.now(_dt.timezone.utc)
    records: list[M.Record] = []
    for item in tqdm(items, desc=f"eval {label}".strip(), unit="q", disable=not progress):
        t0 = time.perf_counter()
        answer, error = None, ""
        try:
            answer = ask(item.question)
        except Exception as e:  # noqa: BLE001 - one failing question must not lose the run
            error = f"{type(e).__name__}: {e}"
        latency = time.perf_counter() - t0
        rec = judge_item(item, answer, latency, error, corpus or ())
        if chat_model is not None and answer is not None and not answer.refused and not error:
            from .judge import judge_faithfulness

            rec.verdicts["faithfulness"] = judge_faithfulness(
                item.question, answer.text, [c.chunk.text for c in answer.citations] or
                [h.chunk.text for h in answer.hits[:5]], chat_model)
        records.append(rec)
    M.with_ranx(records)

    summary_d = M.summarize(records)
    summary_d["meta"] = {
        "label": label,
        **dict(meta or {}),
        "started": started.isoformat(timespec="seconds"),
        "seconds": round((_dt.datetime.now(_dt.timezone.utc) - started).total_seconds(), 2),
        "python": platform.python_version(),
        "k": M.K,
        "bootstrap": {"resamples": M.N_BOOT, "seed": M.SEED, "level": 0.95},
        "faithfulness": "LLM-judged" if chat_model is not None else None,
        "relevance": "passage holds a whole evidence quote (match_norm containment); "
                     + ("qrels from the whole corpus" if corpus else "qrels from retrieved and cited chunks"),
    }
    summary = Summary.from_dict(summary_d, out_dir=out_dir)
    write_results(out_dir, records)
    (out_dir / "summary.json").write_text(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2),
                                          encoding="utf-8")
    write_reports(out_dir, summary, records)
    return summary


def write_results(out_dir: Path, records: Sequence[M.Record]) -> Path:
    path = Path(out_dir) / "results.jsonl"
    path.write_text("".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def read_results(out_dir: Path) -> list[M.Record]:
    path = Path(out_dir) / "results.jsonl"
    return [M.Record.from_dict(json.loads(l)) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def read_summary(out_dir: Path) -> Summary:
    d = json.loads((Path(out_dir) / "summary.json").read_text(encoding="utf-8"))
    return Summary.from_dict(d, out_dir=Path(out_dir))
