# iess-extract: `make extract` sets up .venv when needed (runtime and OCR) and runs the pipeline on
# raw/; `make test` adds the test and lint tools and runs the suite. `make help` lists targets.
# Paths can be overridden: make extract RAW=dir PROCESSED=dir INTERIM=dir ARGS="--only ID -v"
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
RAW ?= raw
INTERIM ?= interim
PROCESSED ?= processed
ARGS ?=
# Optional extras installed with the runtime: `ocr` reads scanned pages (~35 MB installed). EXTRAS= skips
# it (OpenCV and SciPy, the bulk of .venv's ~850 MB, come with camelot and Great Expectations, not OCR).
EXTRAS ?= ocr

.PHONY: help extract test lint setup clean bench docs mutate

help:  ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 10

$(VENV)/.installed: pyproject.toml
	@echo "Setting up $(VENV) with the runtime dependencies (first run only; about a minute)..."
	@start=$$(date +%s); \
	  (test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)) && \
	  $(BIN)/python -m pip install --quiet --upgrade pip && \
	  $(BIN)/python -m pip install --progress-bar off -e '.$(if $(EXTRAS),[$(EXTRAS)])' | grep -E '^(Collecting|Successfully)' ; \
	  test -x $(BIN)/extract && echo "Set up in $$(( $$(date +%s) - start )) s." && touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	@echo "Adding the test and lint tools to $(VENV) (first run only)..."
	$(BIN)/python -m pip install --quiet --progress-bar off -e '.[test]'
	touch $@

setup: $(VENV)/.installed  ## set up .venv with the runtime dependencies

# make exits 2 whenever the run fails; the run's own exit code is the `Error N` of make's last line.
extract: $(VENV)/.installed  ## extract every report in raw/ into processed/
	$(BIN)/extract run --raw $(RAW) --interim $(INTERIM) --processed $(PROCESSED) $(ARGS)

test: $(VENV)/.installed-dev  ## lint (ruff, mypy) and run the test suite
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev  ## ruff and mypy only
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy

docs: $(VENV)/.installed  ## build the Great Expectations Data Docs site of processed/
	$(BIN)/extract docs --processed $(PROCESSED) --out $(INTERIM)/gx --checks $(INTERIM)/conciliaciones

bench: $(VENV)/.installed-dev  ## measure speed against the text-extraction floor
	$(BIN)/python scripts/bench.py

mutate: $(VENV)/.installed-dev  ## mutation testing of the core modules (slow; not part of make test)
	$(BIN)/python -m pip install --quiet --progress-bar off -e '.[mutate]'
	$(BIN)/mutmut run; $(BIN)/mutmut results

clean:  ## remove interim and processed outputs
	rm -rf $(INTERIM)/*/ $(PROCESSED)/*/ $(PROCESSED)/.staging
