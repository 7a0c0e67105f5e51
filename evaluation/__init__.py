"""Batch evaluation of answer quality (``kaynak eval``).

- ``evaluation.qa.load_qa(path) -> list[QAItem]`` reads and validates a QA file (raises ``QAFormatError``);
- ``evaluation.runner.run_eval(items, ask, out_dir, progress=True, label="", *, meta=None, corpus=None,
  chat_model=None) -> Summary`` asks, judges and writes results.jsonl, summary.json, report.md, report.html;
- ``evaluation.compare.compare_runs(dir_a, dir_b) -> Comparison`` and ``format_comparison(c) -> str``.
"""
