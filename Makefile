# Two commands do all the set-up on a fresh machine with Python 3.11+ and git:
#   make demo   - install okrctl from the committed lock (uv.lock), run it on the examples
#   make test   - install the same way, then run lint, types and the whole suite
# Every package, test tools included, comes from uv.lock; uv itself is pinned below and
# installed into .venv-uv by pip, so nothing but Python and git has to be on the machine.
PYTHON ?= python3
UV_VERSION := 0.13.9
VENV := .venv
BIN := $(VENV)/bin
UV_HOME := .venv-uv
UV := $(UV_HOME)/bin/uv
STAMP := $(VENV)/.installed
# uv uses the given Python, never one it downloads, and installs into .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: demo test lint types pytest bench clean schemas docs lock test-latest test-lowest messages

$(UV):
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --python $(PYTHON)
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/okrctl check -C examples/education --strict
	$(BIN)/okrctl check -C examples/manufacturing --strict
	$(BIN)/okrctl check -C examples/startup --strict
	$(BIN)/okrctl status -C examples/education --as-of 2026-11-30
	$(BIN)/okrctl explain -C examples/education --as-of 2026-11-30 CO-1

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

types: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

test: lint types pytest

# Refresh uv.lock to the newest releases the ranges in pyproject.toml allow.
lock: $(UV)
	$(UV) lock --upgrade --python $(PYTHON)

# The suite against the newest (test-latest) and the oldest (test-lowest) releases the
# ranges allow, unlocked, each in a venv of its own; not part of `make test` or CI.
test-latest: $(UV)
	$(UV) venv --allow-existing --python $(PYTHON) .venv-latest
	VIRTUAL_ENV=.venv-latest $(UV) pip install --quiet --resolution highest -e . --group dev
	.venv-latest/bin/python -m pytest -q -p no:cacheprovider

test-lowest: $(UV)
	$(UV) venv --allow-existing --python $(PYTHON) .venv-lowest
	VIRTUAL_ENV=.venv-lowest $(UV) pip install --quiet --resolution lowest-direct -e . --group dev
	.venv-lowest/bin/python -m pytest -q -p no:cacheprovider

schemas: $(STAMP)
	$(BIN)/okrctl schema --output schemas

docs: $(STAMP)
	$(BIN)/python -c "from okrctl.rules.docs import rules_markdown; import sys; sys.stdout.write(rules_markdown())" > docs/rules.md

# The translation catalogs (docs/i18n.md): extract every marked text from the source,
# merge it into each language's .po (translate what is new there), compile the .mo files
# okrctl reads at run time. tests/test_i18n.py fails on a text without a translation.
LOCALE := src/okrctl/locale
messages: $(STAMP)
	mkdir -p build
	$(BIN)/pybabel -q extract -F babel.cfg -k tr -k trn:1,2 -k msg -k N_ --no-location \
		--sort-output --omit-header -o build/okrctl.pot .
	$(BIN)/pybabel -q update -i build/okrctl.pot -d $(LOCALE) -D okrctl --no-wrap \
		--no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel -q compile -d $(LOCALE) -D okrctl --statistics

bench: $(STAMP)
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_status.py
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_memory.py
	$(BIN)/python bench/bench_report.py
	$(BIN)/python bench/bench_warehouse.py

clean:
	rm -rf $(VENV) $(UV_HOME) .venv-latest .venv-lowest .pytest_cache .mypy_cache .ruff_cache
