# Everyday commands. `make run` and `make test` need nothing but Python 3.11.
# DEBUG is off unless set (production is the safe default); the development targets below
# turn it on in their own command lines.
# Installs are remembered by stamp files in .venv, redone only when pyproject.toml changes.

PYTHON   ?= python3.11
VENV     := .venv
BIN      := $(VENV)/bin
MANAGE   := $(BIN)/python manage.py
RUN_ADDR ?= 127.0.0.1:8000
PIP      := $(BIN)/python -m pip --disable-pip-version-check --quiet

.DEFAULT_GOAL := help
.PHONY: help install install-dev run prod-local serve test lint fix messages browser browser-if-possible bench-tools bench-api bench-pages bench-import bench-change-sets bench-load bench-seed-load bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[dev]'
	touch $@ $(VENV)/.installed

var:
	mkdir -p var

install: $(VENV)/.installed  ## create .venv and install the project

install-dev: $(VENV)/.installed-dev  ## install the project with the test and lint tools

run: install var  ## migrate, load the seed data, create a demo admin and one demo user per role, serve on 127.0.0.1:8000
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 $(MANAGE) loadseed
	DEBUG=1 $(MANAGE) collectstatic --noinput --verbosity 0
	DEBUG=1 SITE_URL="$${SITE_URL:-http://$(RUN_ADDR)}" $(MANAGE) ensure_demo_admin
	DEBUG=1 $(MANAGE) runserver $(RUN_ADDR)

# Needs the local PostgreSQL and Redis; every default (database, port, key) is in the script.
prod-local: install var  ## the production processes without Docker: gunicorn, Celery worker and beat, DEBUG off, local PostgreSQL and Redis
	./docker/prod-local

serve: install var  ## serve without migrating or seeding (after a first `make run`)
	DEBUG=1 $(MANAGE) runserver $(RUN_ADDR)

# pytest's exit status passes through make, so "no tests collected" (5) fails too.
# ENV_FILE= : a developer's .env (DEBUG=0, an SSL redirect…) must not change what the tests
# see; the environment alone decides, as in CI. DEBUG=1: the development settings (their
# embedded SECRET_KEY, hosts and database); Django's test runner still runs with DEBUG off.
test: install-dev var browser-if-possible  ## run the test suite (SQLite and eager Celery unless DATABASE_URL/REDIS_URL say otherwise)
	ENV_FILE= DEBUG=1 $(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev  ## ruff check
	$(BIN)/ruff check .

fix: install-dev  ## let ruff fix what it can (import order and the like)
	$(BIN)/ruff check --fix .

messages: install  ## update the English catalogue from the Chinese msgids and compile it
	DEBUG=1 $(MANAGE) makemessages --locale en --no-obsolete --ignore '.venv/*' --ignore 'staticfiles/*' --ignore 'var/*'
	DEBUG=1 $(MANAGE) compilemessages --ignore '.venv'

# With a CJK font, so the screenshots of the Chinese pages show Chinese, not empty boxes.
browser:  ## install Debian's Chromium and a Chinese font for the browser tests (needs root)
	@{ command -v chromium && fc-list :lang=zh | grep -q .; } >/dev/null 2>&1 \
	    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk; }

# `make test` installs Chromium where it can (root with apt); elsewhere, or when apt fails,
# the browser tests skip with a line saying how to run them. CI runs `make browser` itself.
browser-if-possible:
	@command -v chromium >/dev/null \
	    || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && $(MAKE) --no-print-directory browser; } \
	    || echo "Chromium is not installed here: tests/browser will skip (\`make browser\` as root installs it)"

bench-tools:  ## install wrk, the load generator of the benchmarks (Debian's package; needs root)
	@command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk; }

# Needs PostgreSQL and Redis as in CI (BENCH_DATABASE_URL, BENCH_REDIS_URL); see bench/RESULTS.md.
bench-api: install bench-tools  ## benchmark the read API under gunicorn against a bare view, print the ratios
	$(BIN)/python -m bench.api

# The same database and server as bench-api; the baseline is a fixed page through base.html.
bench-pages: install bench-tools  ## benchmark the search and factor pages against a fixed page, print the ratios
	$(BIN)/python -m bench.pages

# Its own database, made afresh each run (BENCH_IMPORT_DATABASE_URL, default factordb_bench_import),
# and Redis (BENCH_REDIS_URL); see bench/RESULTS.md.
bench-import: install  ## benchmark a 100,000-row import against a plain executemany of the same rows, and its peak memory
	$(BIN)/python -m bench.imports

bench-change-sets: install  ## benchmark the review road of a 6,000-row change set against the version road, per row
	$(BIN)/python -m bench.change_sets

# The same database and server as bench-api; the mix and its assumptions: docs/capacity.md.
bench-load: install bench-tools  ## 50 clients for 60 s mixing API reads, resolve, calculate and pages; per kind too
	$(BIN)/python -m bench.load

# The tests' seed loader next to loaddata, on SQLite (var/) and PostgreSQL (BENCH_SEED_DATABASE_URL).
bench-seed-load: install-dev  ## benchmark the test suite's seed loader against loaddata of the same files
	$(BIN)/python -m bench.seed_load

bench: bench-api bench-pages bench-import bench-change-sets bench-load bench-seed-load  ## every benchmark

clean:  ## remove the virtualenv, collected static files and caches (keeps var/db.sqlite3)
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
