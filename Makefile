# Two commands on a fresh machine (README "Quick start"):
#   make demo   set up, then score the B2B example on the embedded engine (DuckDB) and print it
#   make test   set up (with the system packages the tests need), then lint and run every test
PY      ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed

.PHONY: demo test setup system-deps lint pytest bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/leadrules check examples/b2b_saas.lrules
	$(BIN)/leadrules score examples/b2b_saas.lrules \
	  --leads examples/data/b2b_saas/leads.csv --events examples/data/b2b_saas/events.csv \
	  --as-of 2026-01-01T00:00:00Z --format table

system-deps:
	bash scripts/system-deps.sh

lint: setup
	$(BIN)/ruff check leadrules tests bench
	$(BIN)/ruff format --check leadrules tests bench
	$(BIN)/mypy
	$(BIN)/leadrules check --strict examples/*.lrules
	$(BIN)/leadrules fmt --check examples/*.lrules

pytest: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider

test: system-deps lint pytest

# figures go to docs/performance.md by hand, with the command that produced them
bench: setup
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_fmt.py
	$(BIN)/python bench/bench_interpreter.py --events 1000000
	$(BIN)/python bench/bench_sql.py engine --events 1000000
	$(BIN)/python bench/bench_sql.py postgres --events 1000000
	$(BIN)/python bench/bench_sql.py memory --events 10000000
	$(BIN)/python bench/bench_impact.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis dist build
