# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
# Test processes for `make test` (pytest-xdist): `auto` is one per core.
TEST_WORKERS ?= auto

.PHONY: run test test-fast lint bench loadtest install install-test translations translations-update clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# The credential tests run independent verifiers from npm (never committed: node_modules).
VERIFIERS := tests/credentials/verifiers

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed $(VERIFIERS)/package-lock.json
	$(BIN)/python -m pip install --quiet -e '.[test]'
	cd $(VERIFIERS) && npm ci --no-audit --no-fund --loglevel=error
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
	EDUPLATFORM_BASE_URL=$${EDUPLATFORM_BASE_URL:-http://$(HOST):$(PORT)} \
		$(BIN)/eduplatform run --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test translations lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=25

test-fast: install-test translations
	$(BIN)/pytest -x -q -m "not browser and not slow"

bench: install-test translations
	$(BIN)/pytest tests/benchmarks -q -s -p no:randomly

# The load test (loadtest/run.py): PostgreSQL and Redis on 127.0.0.1 (started when not running),
# the demo at LOADTEST_SCALE (built once), users ramped by LOADTEST_STEPS of
# LOADTEST_STEP_SECONDS each; results in loadtest/results/ (not committed).
$(VENV)/.installed-loadtest: pyproject.toml $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[test,loadtest]'
	touch $@

loadtest: $(VENV)/.installed-loadtest translations
	$(BIN)/python -m loadtest.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
