# Mitra — developer entry points.  Run `make help` for the list of targets.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
PORT ?= 8000
VENV = .venv
BIN = $(VENV)/bin
STAMP = $(VENV)/.stamp
RUN_STAMP = $(VENV)/.stamp-run

# Extra arguments for every pytest run, e.g. `make test-sqlite PYTEST_ARGS='-k audit'`.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

# Tests must pick their settings from pyproject.toml (config.settings.test),
# not from whatever the calling shell happens to export.
unexport DJANGO_SETTINGS_MODULE

DEMO_USERS = admin kepala.biro kabag.bilateral staf.bilateral staf.regional staf.oi pembaca staf.registrasi kepala.registrasi
DEMO_PASSWORD = mitra-demo-2017

.PHONY: help setup setup-runtime demo run lint typecheck system-deps \
        test test-sqlite test-postgres test-postgres-all test-e2e bench clean

help:
	@echo "Mitra make targets:"
	@echo "  make setup          create $(VENV) (Python >= 3.11), install requirements-dev.lock + project, compile translations"
	@echo "  make setup-runtime  the same with the runtime dependencies only (requirements.lock): what make run needs"
	@echo "  make demo           setup-runtime, migrate the local SQLite database (var/) and load demo data"
	@echo "  make run            demo, then serve http://127.0.0.1:$(PORT)/ with gunicorn and a task worker (PORT=...)"
	@echo "  make lint           ruff check + ruff format --check"
	@echo "  make typecheck      mypy"
	@echo "  make test-sqlite    pytest (unit/request tests) on SQLite, -n $(PYTEST_WORKERS)"
	@echo "  make test-postgres  the backend-specific tests (POSTGRES_TESTS) on a throw-away PostgreSQL cluster"
	@echo "  make test-postgres-all  every test of test-sqlite on PostgreSQL (scripts/with-postgres.sh)"
	@echo "  make test-e2e       Playwright browser tests (e2e/) with system Chromium"
	@echo "  make system-deps    check/install system packages (chromium, postgresql, libharfbuzz-subset0, gettext)"
	@echo "  make test           all of the above checks (two lanes at the same time after setup), stopping at"
	@echo "                      the first failure; each step's log, time and CPU printed when it ends"
	@echo "  make bench          benchmarks (pages at N=1 and N=100, search on SQLite and PostgreSQL, reports,"
	@echo "                      imports, concurrent users on SQLite and PostgreSQL; well over an hour on 2 cores),"
	@echo "                      then bench/RESULTS.md from bench/results/"
	@echo "  make clean          remove $(VENV) and var/ (local database, collected static files)"
	@echo
	@echo "Variables: PYTHON=$(PYTHON) PORT=$(PORT) PYTEST_WORKERS=$(PYTEST_WORKERS) PYTEST_ARGS=$(PYTEST_ARGS)"

# --- environment -------------------------------------------------------------

# (Re)install only when the lock files or the project metadata change. `make run` needs only the runtime
# (requirements.lock, $(RUN_STAMP)); the checks need the dev lock, which holds runtime + dev tools ($(STAMP)).
define CREATE_VENV
	@if [ ! -x $(BIN)/python ]; then \
	    if ! command -v $(PYTHON) >/dev/null 2>&1; then \
	        echo "error: '$(PYTHON)' not found. Install Python >= 3.11 or run: make setup PYTHON=/path/to/python3.11" >&2; \
	        exit 1; \
	    fi; \
	    if ! $(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
	        echo "error: Mitra needs Python >= 3.11, but '$(PYTHON)' is $$($(PYTHON) -V 2>&1)." >&2; \
	        echo "       Run: make setup PYTHON=/path/to/python3.11" >&2; \
	        exit 1; \
	    fi; \
	    echo "Creating $(VENV) with $$($(PYTHON) -V 2>&1)"; \
	    $(PYTHON) -m venv $(VENV); \
	elif ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then \
	    echo "error: $(VENV) uses $$($(BIN)/python -V 2>&1); Mitra needs Python >= 3.11." >&2; \
	    echo "       Run: make clean && make setup PYTHON=/path/to/python3.11" >&2; \
	    exit 1; \
	fi
endef

$(RUN_STAMP): requirements.lock pyproject.toml
	$(CREATE_VENV)
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

$(STAMP): requirements-dev.lock requirements.lock pyproject.toml
	$(CREATE_VENV)
	$(BIN)/pip install -q --disable-pip-version-check --require-hashes -r requirements-dev.lock
	$(BIN)/pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@ $(RUN_STAMP)

setup: $(STAMP)
	$(BIN)/mitra compiletranslations

# The compiled translations the tests read (gitignored): made when missing or older than their .po files, so that a
# test target run on its own in a fresh clone (e.g. `make test-postgres-all`) has them. In `make test` setup has just
# made them, so the lanes running side by side find them up to date and none writes them while another reads.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
$(MO_FILES) &: $(PO_FILES) | $(STAMP)
	$(BIN)/mitra compiletranslations

# What `make run` needs: the runtime dependencies only (no test, lint or browser tools) and the translations.
setup-runtime: $(RUN_STAMP)
	$(BIN)/mitra compiletranslations

system-deps:
	bash scripts/ensure-system-deps.sh

# --- local demo ----------------------------------------------------------------

demo: setup-runtime
	mkdir -p var
	$(BIN)/mitra migrate --noinput
	$(BIN)/mitra demo

run: export DJANGO_SETTINGS_MODULE = config.settings.local
# No collectstatic: config.settings.local serves static files from their sources, uncompressed (compression is
# a deploy step: `mitra collectstatic` with config.settings.production, see README "Production deployment").
run: demo
	mkdir -p var/static
	@echo
	@echo "================================================================"
	@echo "  Mitra is running at  http://127.0.0.1:$(PORT)/"
	@echo
	@echo "  Demo logins (password for all: $(DEMO_PASSWORD)):"
	@for u in $(DEMO_USERS); do echo "    $$u"; done
	@echo
	@echo "  Background tasks: one 'mitra worker' beside gunicorn."
	@echo "  Stop both with Ctrl-C."
	@echo "================================================================"
	@echo
	@# The worker runs in the background of this shell; Ctrl-C (or gunicorn ending) stops it too.
	@$(BIN)/mitra worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(BIN)/gunicorn config.wsgi:application --bind 127.0.0.1:$(PORT) --workers 3 --access-logfile -

# --- checks --------------------------------------------------------------------

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# DATABASE_URL is dropped so this really runs on the default SQLite database.
test-sqlite: $(STAMP) $(MO_FILES)
	mkdir -p var
	env -u DATABASE_URL $(BIN)/pytest -n $(PYTEST_WORKERS) -q mitra tests $(PYTEST_ARGS)

# On PostgreSQL, `make test` runs the tests of what differs between the backends (every other test runs on SQLite
# only): full-text search (FTS5 / tsvector), the task queue's row locks, the audit chain and the services' row
# locks and version checks, the JSON dump's sequences, imports, concurrent first saves, and the figures of the
# LAKIP and the measurement (decimal sums), the profiles' follow-ups (selectors._latest_follow_ups). The
# migrations run on PostgreSQL as the test database is built.
# `make test-postgres-all` runs the whole suite on PostgreSQL.
POSTGRES_TESTS = mitra/search mitra/tasks \
    mitra/core/tests/test_audit.py mitra/core/tests/test_audit_key.py mitra/core/tests/test_lost_update.py \
    mitra/core/tests/test_services.py mitra/core/tests/test_prepared.py mitra/exchange/tests/test_dump.py \
    mitra/exchange/tests/test_imports.py \
    mitra/reports/tests/test_narrative_concurrency.py mitra/reports/tests/test_reports.py \
    mitra/performance/tests/test_metrics.py mitra/performance/tests/test_measurement.py \
    mitra/cooperation/tests/test_follow_up_other_cooperation.py mitra/cooperation/tests/test_profile_timeline.py

test-postgres: $(STAMP) $(MO_FILES)
	mkdir -p var
	bash scripts/with-postgres.sh $(BIN)/pytest -n $(PYTEST_WORKERS) -q $(POSTGRES_TESTS) $(PYTEST_ARGS)

test-postgres-all: $(STAMP) $(MO_FILES)
	mkdir -p var
	bash scripts/with-postgres.sh $(BIN)/pytest -n $(PYTEST_WORKERS) -q mitra tests $(PYTEST_ARGS)

test-e2e: $(STAMP) $(MO_FILES)
	mkdir -p var
	$(BIN)/pytest -q e2e $(PYTEST_ARGS)

# `make test`: system packages first (so setup can compile translations with msgfmt), then setup; then two lanes
# at the same time, each running its steps in order: lint and the SQLite tests in one, typecheck, the PostgreSQL
# tests (their own throw-away cluster) and the browser tests in the other (the SQLite tests are the longest step:
# they start at once, and typecheck, which uses one core, runs while their second worker waits for the first's
# template database, see conftest.py). `;` separates stages, `&` lanes (see
# scripts/run-steps.py). Each step's output is printed in one piece when it ends, with its wall time, CPU time and
# the load; the first failure stops the other steps, shows the failed step's log and fails `make test`.
# Steps one after the other: make test TEST_STEPS="system-deps setup lint typecheck test-sqlite test-postgres test-e2e"
TEST_STEPS = system-deps setup ; lint test-sqlite & typecheck test-postgres test-e2e

test:
	@$(PYTHON) scripts/run-steps.py "$(MAKE)" "$(TEST_STEPS)"

# --- benchmarks ----------------------------------------------------------------

# Builds its databases under var/bench/ (N=100 takes several minutes); run on a quiet machine.
# DATABASE_URL is dropped for the SQLite runs, as in test-sqlite.
bench: setup
	mkdir -p var/bench
	env -u DATABASE_URL $(BIN)/python bench/run.py --scales 1 100 --rebuild
	@# The same pages on PostgreSQL: mitra_bench_1 and mitra_bench_100 built on a throw-away cluster.
	bash scripts/with-postgres.sh sh -c \
	    '$(BIN)/python bench/run.py --postgres "postgres://postgres@127.0.0.1:$$PGPORT" --scales 1 100 --rebuild'
	env -u DATABASE_URL $(BIN)/python bench/search_bench.py
	env -u DATABASE_URL $(BIN)/python bench/search_bench.py --scale 100
	bash scripts/with-postgres.sh $(BIN)/python bench/search_bench.py
	bash scripts/with-postgres.sh $(BIN)/python bench/search_bench.py --scale 100
	env -u DATABASE_URL $(BIN)/python bench/report_bench.py --scale 0 --rebuild
	env -u DATABASE_URL $(BIN)/python bench/report_bench.py --scale 100
	env -u DATABASE_URL $(BIN)/python bench/import_bench.py --scales 0 100
	@# Concurrency: 1-40 users and 1-20 writers on a copy of the N=100 database (it saves records), then the same
	@# on PostgreSQL loaded with `mitra demo --scale 100`.
	for suffix in "" -wal -shm; do \
	    rm -f var/bench/concurrency-100.sqlite3$$suffix; \
	    if [ -f var/bench/scale-100.sqlite3$$suffix ]; then \
	        cp var/bench/scale-100.sqlite3$$suffix var/bench/concurrency-100.sqlite3$$suffix; \
	    fi; \
	done
	env -u DATABASE_URL $(BIN)/python bench/concurrency_bench.py --sqlite var/bench/concurrency-100.sqlite3 \
	    --label "SQLite N=100"
	rm -f var/bench/concurrency-100.sqlite3*
	bash scripts/with-postgres.sh $(BIN)/python bench/concurrency_bench.py --build 100 --label "PostgreSQL N=100"
	$(BIN)/python bench/report.py

clean:
	rm -rf $(VENV) var/static var
