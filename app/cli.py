"""`kaynak` command line: ingest, chunks, search, lookup, ask, remove, docs, models, serve, eval.

Every command works on the bundled thesis when no document was ingested. Errors the user can act on are
printed as one line (`kaynak: error: ...`) with exit status 2; a failed file in an ingest gives status 1
after the other files are stored.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kaynak.config import ConfigError, Settings, get_settings, invalid_settings_message, unknown_environment


class UsageError(Exception):
    """Bad arguments or input files, reported without a traceback."""


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    s = get_settings()
    if getattr(args, "mode", None):
        s = s.model_copy(update={"retrieval": s.retrieval.model_copy(update={"mode": args.mode})})
    if getattr(args, "llm_url", None) or getattr(args, "llm_model", None):
        llm = s.llm.model_copy(update={k: v for k, v in (("base_url", args.llm_url), ("model", args.llm_model)) if v})
        s = s.model_copy(update={"llm": llm, "answer": s.answer.model_copy(update={"answerer": "llm"})})
    return s.model_copy(update=overrides) if overrides else s


def _engine(args: argparse.Namespace):  # noqa: ANN202 - imported lazily: `kaynak --help` stays fast
    from app.engine import Engine

    return Engine(_settings(args))


def _langs(value: str | None) -> list[str] | None:
    return [x.strip() for x in value.split(",") if x.strip()] if value else None


def _print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def read_batch(path: str, what: str = "batch file", may_be_empty: bool = False) -> list[dict[str, Any]]:
    """A JSONL file whose every line is an object with a non-empty `question`; all lines checked first. An
    empty file is an error unless `may_be_empty` (a history with no earlier turns yet)."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {what} {p}: {e}") from e
    rows, problems = [], []
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"line {no}: not JSON ({e.msg})")
            continue
        if not isinstance(row, dict) or not isinstance(row.get("question"), str) or not row["question"].strip():
            problems.append(f"line {no}: needs an object with a non-empty string field \"question\"")
            continue
        rows.append(row)
    if problems:
        raise UsageError(f"{p}: " + "; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))
    if not rows and not may_be_empty:
        raise UsageError(f"{p}: no questions in the file")
    return rows


def _hit_line(h: Any) -> str:
    c = h.chunk
    text = " ".join(c.text.split())
    kind = "" if c.kind == "body" else f" ({c.kind})"
    return f"{h.score:8.4f}  {c.id}  p.{c.page_text}  [{c.lang}]{kind}  {c.section_path}\n          {text[:300]}{'…' if len(text) > 300 else ''}"


# -- commands -----------------------------------------------------------------------------------------
def cmd_models(args: argparse.Namespace) -> int:
    from index.model_build import ensure_model, model_info

    s = _settings(args)
    if args.build:
        ensure_model(s)
    info = model_info(s)
    if args.json:
        _print_json(info)
    else:
        for k, v in info.items():
            print(f"{k:>14}: {v}")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest.stats import chunk_stats, format_stats

    eng = _engine(args)
    paths = [Path(p) for p in args.paths] or [Path(eng.settings.corpus)]
    report = eng.ingest(paths, progress=not args.quiet, rebuild=args.rebuild)
    for line in report.lines():
        print(line, file=sys.stderr if line.startswith("FAILED") else sys.stdout)
    if args.stats and eng.store.generation() is not None:
        print(format_stats(chunk_stats(eng.chunks())))
    return 0 if report.ok else 1


def cmd_remove(args: argparse.Namespace) -> int:
    report = _engine(args).remove(args.docs)
    for line in report.lines():
        print(line, file=sys.stderr if line.startswith("FAILED") else sys.stdout)
    return 0 if report.ok else 1


def cmd_docs(args: argparse.Namespace) -> int:
    eng = _engine(args)
    docs = eng.documents()
    if args.json:
        for d in docs:
            _print_json(d.__dict__)
    elif not docs:
        # only a data folder never ingested into gets the thesis on first use; one emptied by `remove` stays empty
        never = eng.settings.auto_ingest and eng.store.generation() is None
        then = ("the first `ask` or `search` ingests the bundled thesis" if never
                else "`kaynak ingest` alone, the bundled thesis")
        print(f"no documents ingested (`kaynak ingest FILE…` adds yours; {then})")
    for d in docs if not args.json else []:
        langs = ", ".join(f"{l} {n}" for l, n in sorted(d.langs.items()))
        title = f"  “{d.title}”" if d.title else ""
        print(f"{d.doc_id}{title}  {d.n_chunks} chunks ({langs})  {d.path}")
    return 0


def cmd_chunks(args: argparse.Namespace) -> int:
    eng = _engine(args)
    if args.doc and args.doc not in {d.doc_id for d in eng.documents()}:
        raise UsageError(f"no document named {args.doc!r} is ingested (`kaynak docs` lists them)")
    chunks = [c for c in eng.chunks() if not args.doc or c.doc_id == args.doc]
    for c in chunks:
        if args.json:
            _print_json(c.to_dict())
        else:
            kind = "" if c.kind == "body" else f" ({c.kind})"
            print(f"{c.id}  p.{c.page_text}  [{c.lang}]{kind}  {c.section_path}\n    {' '.join(c.text.split())[:200]}")
    return 0


def _one_input(*given: tuple[str, object]) -> str:
    """The label of the one input a command was given (its text, `--id` or `--batch`): none, or more than one,
    is a usage error, so that a text given beside `--batch` is not silently ignored."""
    named = [label for label, value in given if value]
    labels = [label for label, _ in given]
    what = "give " + (", ".join(labels[:-1]) + " or " + labels[-1])
    if not named:
        raise UsageError(what)
    if len(named) > 1:
        raise UsageError(f"{what}, not {' and '.join(named)} together")
    return named[0]


def _batch(args: argparse.Namespace, run: Callable[[list[str]], list[Any]], key: str) -> int:
    rows = read_batch(args.batch)
    size = 32
    for i in range(0, len(rows), size):
        part = rows[i : i + size]
        for row, result in zip(part, run([r["question"] for r in part])):
            _print_json({**row, **result} if isinstance(result, dict) else {**row, key: result})
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    eng = _engine(args)
    langs, kinds = _langs(args.lang), _langs(args.kind)
    if _one_input(("a query", args.query), ("--batch FILE", args.batch)) != "a query":
        return _batch(
            args, lambda qs: [[h.to_dict() for h in hs] for hs in eng.search_many(qs, k=args.k, langs=langs, kinds=kinds)],
            "hits",
        )
    hits = eng.search(args.query, k=args.k, langs=langs, kinds=kinds)
    if args.json:
        _print_json({"query": args.query, "hits": [h.to_dict() for h in hits]})
    else:
        print("\n".join(_hit_line(h) for h in hits) or "no passages found")
    return 0


def _lookup_dict(res: dict[str, list[Any]]) -> dict[str, Any]:
    return {"results": {lang: [h.to_dict() for h in hits] for lang, hits in res.items()}}


def cmd_lookup(args: argparse.Namespace) -> int:
    eng = _engine(args)
    to = _langs(args.to)
    given = _one_input(("a text", args.text), ("--id CHUNK_ID", args.id), ("--batch FILE", args.batch))
    if given == "--batch FILE":
        return _batch(args, lambda qs: [_lookup_dict(eng.lookup(q, to, k=args.k)) for q in qs], "results")
    if given == "--id CHUNK_ID":
        source, res = eng.lookup_id(args.id, to, k=args.k)
    else:
        source, res = None, eng.lookup(args.text, to, k=args.k)
    if args.json:
        _print_json({"source": source.to_dict() if source else None, **_lookup_dict(res)})
        return 0
    if source:
        print(f"source: {source.id} p.{source.page_text} [{source.lang}] {source.section_path}")
    for lang, hits in res.items():
        print(f"== {lang} ==")
        print("\n".join(_hit_line(h) for h in hits) or "  (no passages in this language)")
    return 0


def read_history(path: str) -> list[tuple[str, str]]:
    """Earlier turns of a conversation, oldest first: JSONL, each line an object with `question` and optionally
    `answer` and `query` (the standalone query `ask --json` reported for that turn, used when given)."""
    return [(str(r.get("query") or r["question"]), str(r.get("answer") or "")) for r in read_batch(path, "history file", may_be_empty=True)]


def cmd_ask(args: argparse.Namespace) -> int:
    eng = _engine(args)
    history = read_history(args.history) if args.history else None
    if _one_input(("a question", args.question), ("--batch FILE", args.batch)) != "a question":
        return _batch(args, lambda qs: [_ask_row(eng, q, history) for q in qs], "answer")
    if args.json:
        _print_json(eng.ask(args.question, history=history).to_dict(with_hits=args.hits))
        return 0
    answer, streamed = None, ""
    for piece in eng.ask_stream(args.question, history=history):
        if isinstance(piece, str):
            streamed += piece
            print(piece, end="", flush=True)
        else:
            answer = piece
    assert answer is not None
    if not streamed:
        print(answer.text)
    elif answer.text.strip() != streamed.strip():
        print(f"\n\nChecked answer:\n{answer.text}")
    else:
        print()
    if answer.reason:
        print(f"why: {answer.reason}", file=sys.stderr)
    shown: set[int] = set()
    for c in answer.citations:  # two quotes from one passage share its [n]: the passage is named once
        ch = c.chunk
        if c.n not in shown:
            shown.add(c.n)
            print(f"[{c.n}] {_where(ch)} [{ch.lang}] ({ch.doc_id}, {ch.id})")
        print(f"    “{c.quote}”")
    if answer.related:
        print("Related passages — not an answer:")
        for r in answer.related:
            ch = r.chunk
            print(f"  {_where(ch)} [{ch.lang}] ({ch.doc_id}, {ch.id})\n    “{r.sentence}”")
    return 0


def _where(chunk: Any) -> str:
    """"1.2 Title — p. 4", or "p. 4" for a passage outside any section."""
    return f"{chunk.section_path} — p. {chunk.page_text}" if chunk.section_path else f"p. {chunk.page_text}"


def _ask_row(eng: Any, question: str, history: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    from index.retriever import QueryError

    try:
        return eng.ask(question, history=history).to_dict()
    except QueryError as e:  # one bad line must not sink the batch
        return {"answer": "", "refused": True, "error": str(e), "citations": []}


def cmd_serve(args: argparse.Namespace) -> int:
    from ui.server import serve

    s = _settings(args)
    host = args.host or s.serve.host
    auth = args.auth or os.environ.get("KAYNAK_AUTH") or s.serve.auth
    return serve(s, host=host, port=args.port or s.serve.port, auth=auth or None)


def cmd_eval(args: argparse.Namespace) -> int:
    from evaluation.cli import run_cli

    _one_input(("a QA file (JSONL in the dev-set format)", args.qa), ("--compare RUN_A RUN_B", args.compare))
    return run_cli(args, _settings(args))


# -- parser -------------------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kaynak", description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", help="where indexes live (default: settings data_dir)")
    p.add_argument("-v", "--verbose", action="count", default=0)
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("models", help="show (or --build) the embedding model")
    s.add_argument("--build", action="store_true")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_models)

    s = sub.add_parser("ingest", help="read, repair, chunk and index documents (default: the bundled thesis)")
    s.add_argument("paths", nargs="*", help=".txt, .md, .pdf, .html, .docx files or directories")
    s.add_argument("--stats", action="store_true", help="print counts by language and section, chunk sizes")
    s.add_argument("--rebuild", action="store_true", help="re-embed and rebuild everything")
    s.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("remove", help="remove documents by the name `kaynak docs` lists (or the file's path)")
    s.add_argument("docs", nargs="+")
    s.set_defaults(func=cmd_remove)

    s = sub.add_parser("docs", help="list ingested documents")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_docs)

    s = sub.add_parser("chunks", help="export the chunk store")
    s.add_argument("--json", action="store_true", help="one JSON object per line")
    s.add_argument("--doc", help="only this document")
    s.set_defaults(func=cmd_chunks)

    s = sub.add_parser("search", help="ranked passages for a query")
    s.add_argument("query", nargs="?")
    s.add_argument("--k", type=int, default=10, help="how many passages (default 10; retrieval.k is the library's)")
    s.add_argument("--lang", help="only passages in these languages, e.g. tr,en")
    s.add_argument(
        "--kind", help="only passages of these kinds: body, front (title page, contents), back (index, references); "
        "without it front and back matter rank after the body"
    )
    s.add_argument("--mode", choices=["hybrid", "dense", "lexical"])
    s.add_argument("--json", action="store_true")
    s.add_argument("--batch", help="JSONL file with a `question` per line; one JSON result line per input line")
    s.set_defaults(func=cmd_search)

    s = sub.add_parser("lookup", help="cross-language lookup: the best passages in each language")
    s.add_argument("text", nargs="?")
    s.add_argument("--id", help="a chunk id: its counterparts in the other languages")
    s.add_argument("--to", help="target languages, e.g. tr,ky,ru,en (default: all)")
    s.add_argument("--k", type=int, default=3, help="passages per language (default 3)")
    s.add_argument("--json", action="store_true")
    s.add_argument("--batch")
    s.set_defaults(func=cmd_lookup)

    s = sub.add_parser("ask", help="a cited answer in the question's language")
    s.add_argument("question", nargs="?")
    s.add_argument("--json", action="store_true")
    s.add_argument("--hits", action="store_true", help="with --json: include the retrieved passages")
    s.add_argument("--batch")
    s.add_argument("--history", help="JSONL of earlier turns ({\"question\", \"answer\"} per line, oldest first): "
                   "the question is read as a follow-up")
    s.add_argument("--mode", choices=["hybrid", "dense", "lexical"])
    s.add_argument("--llm-url", help="OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1")
    s.add_argument("--llm-model", help="model name at that endpoint")
    s.set_defaults(func=cmd_ask)

    s = sub.add_parser("serve", help="the web chat (default http://127.0.0.1:7860)")
    s.add_argument("--host")
    s.add_argument("--port", type=int)
    s.add_argument("--auth", help="user:password (required when --host is not loopback; or KAYNAK_AUTH)")
    s.add_argument("--mode", choices=["hybrid", "dense", "lexical"])
    s.add_argument("--llm-url")
    s.add_argument("--llm-model")
    s.set_defaults(func=cmd_serve)

    s = sub.add_parser("eval", help="batch evaluation of retrieval and answers on a QA file")
    s.add_argument("qa", nargs="?", help="QA file in the dev-set format (JSONL)")
    s.add_argument("--out", default="eval-out", help="report directory")
    s.add_argument("--mode", choices=["hybrid", "dense", "lexical"])
    s.add_argument("--llm-url")
    s.add_argument("--llm-model")
    s.add_argument("--compare", nargs=2, metavar=("RUN_A", "RUN_B"), help="compare two report directories")
    s.add_argument("--min-recall5", type=float, help="exit 1 if recall@5 falls below")
    s.add_argument("--min-cite-precision", type=float, help="exit 1 if citation precision falls below")
    s.add_argument("--gate", help="JSON file of floors (e.g. benchmarks/floors.json); exit 1 if any is missed")
    s.add_argument("-q", "--quiet", action="store_true")
    s.set_defaults(func=cmd_eval)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    level = logging.WARNING - 10 * args.verbose
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # libraries that set their own logger to DEBUG (bm25s) stay quiet
        handler.setLevel(level)
    if not args.verbose:  # a broken PDF is reported once, by ingest, not again by pypdf's own warnings
        logging.getLogger("pypdf").setLevel(logging.ERROR)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from pydantic import ValidationError

    from index.retriever import QueryError
    from index.store import StoreError

    for name in unknown_environment():
        print(f"kaynak: warning: {name} names no setting and is ignored", file=sys.stderr)
    try:
        return int(args.func(args) or 0)
    except (UsageError, QueryError, StoreError, ConfigError) as e:
        print(f"kaynak: error: {e}", file=sys.stderr)
        return 2
    except ValidationError as e:
        if e.title != "Settings":  # not the configuration: a defect, with its traceback
            raise
        print(f"kaynak: error: {invalid_settings_message(e)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `kaynak chunks | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes stdout
        return 0


if __name__ == "__main__":
    sys.exit(main())

