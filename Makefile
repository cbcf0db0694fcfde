# Two commands do all the set-up on a fresh machine with Python 3.11+ and git:
#   make demo   - create .venv, install okrctl, run it on the example repositories
#   make test   - create .venv, install okrctl with test tools, run lint, types and the suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint types pytest bench clean schemas docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
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

schemas: $(STAMP)
	$(BIN)/okrctl schema --output schemas

docs: $(STAMP)
	$(BIN)/python -c "from okrctl.ruledocs import rules_markdown; import sys; sys.stdout.write(rules_markdown())" > docs/rules.md

bench: $(STAMP)
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_status.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
