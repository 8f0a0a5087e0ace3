# The front door. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test lint lock sample clean

# torch goes first, pinned, in its own command: the CPU build is on disk, and anything else pulls
# gigabytes of CUDA packages.
$(READY): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -r requirements.lock
	$(PIP) install --quiet --no-deps -e .
	touch $@

demo: $(READY)
	$(BIN)/councilqa ingest corpus
	$(BIN)/councilqa serve --host 127.0.0.1 --port 7860

test: $(READY)
	$(BIN)/python -m pytest

lint: $(READY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# Rewrite requirements.lock from what is installed (after changing pyproject.toml's dependencies).
lock: $(READY)
	$(PIP) install --quiet -e '.[dev]'
	$(PIP) freeze --exclude-editable | grep -v '^-e ' > requirements.lock

# Rebuild the sample PDFs in corpus/ (they are committed; the script writes the same bytes each time).
sample: $(READY)
	$(BIN)/python corpus/build_sample.py

clean:
	rm -rf .councilqa .pytest_cache .mypy_cache .ruff_cache
