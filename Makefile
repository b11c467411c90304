# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-fast lint bench install install-test translations translations-update clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

translations: $(VENV)/.installed
	@$(BIN)/pybabel -q compile -d eduplatform/translations

translations-update: $(VENV)/.installed
	$(BIN)/eduplatform translate update

run: install translations
	$(BIN)/eduplatform db upgrade
	$(BIN)/eduplatform demo --if-empty
	$(BIN)/eduplatform curricula import
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C stops)"
	$(BIN)/eduplatform run --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .

test: install-test translations lint
	$(BIN)/pytest

test-fast: install-test translations
	$(BIN)/pytest -x -q -m "not browser and not slow"

bench: install-test translations
	$(BIN)/pytest tests/benchmarks -q -s -p no:randomly

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
