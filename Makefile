# make run   — set up .venv (once) and serve the chat on the bundled thesis at http://127.0.0.1:7860
# make test  — set up .venv with test extras (once) and run the whole test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# torch 2.13.0 first: it is the CPU build on this machine's disk; any other torch request pulls CUDA.
TORCH := torch==2.13.0

.PHONY: run test setup setup-test eval clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q $(TORCH)
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,milvus]'
	touch $@

setup: $(VENV)/.installed
setup-test: $(VENV)/.installed-test

run: setup
	$(BIN)/kaynak serve

# The suite includes the dev-set evaluation (tests/evaluation/test_end_to_end.py), which fails when it falls
# below the floors committed in benchmarks/floors.json. pytest exits non-zero (5) if no test ran.
test: setup-test
	$(BIN)/python -m pytest

eval: setup
	$(BIN)/kaynak eval kaynak/data/dev_qa.jsonl --out eval-out

clean:
	rm -rf $(VENV) build *.egg-info
