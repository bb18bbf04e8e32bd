# Đồng hành portal: `make run` to try it, `make test` to check it. Nothing else is needed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
export PORTAL_ENV ?= development

.PHONY: setup lock audit run worker lint test test-sqlite test-postgres test-servers e2e chromium bench serve-gunicorn translations extract-messages vendor clean

## setup: virtualenv, Python and npm packages, vendored assets, compiled translations, database
setup: $(VENV)/.installed static/vendor/.installed translations instance/.migrated

# Every install step is in scripts/install.sh (the Dockerfile runs it too); these stamps only make it incremental.
# Python packages come from the locks with `pip install --require-hashes`: `make lock` after editing requirements*.txt.
$(VENV)/.installed: requirements.lock requirements-dev.lock
	PYTHON=$(PYTHON) bash scripts/install.sh --dev --venv $(VENV) --step python
	touch $@

node_modules/.installed: package.json package-lock.json
	bash scripts/install.sh --dev --step npm
	touch $@

# The front-end packages we serve, copied into static/vendor (never committed, never from a CDN).
static/vendor/.installed: node_modules/.installed
	bash scripts/install.sh --step vendor
	touch $@

## lock: re-resolve requirements.txt / requirements-dev.txt (the hand-edited pins) into the hashed lock files
UV_COMPILE = $(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 --custom-compile-command "make lock"
lock: $(VENV)/.installed
	$(UV_COMPILE) requirements.txt -o requirements.lock
	$(UV_COMPILE) requirements-dev.txt -c requirements.lock -o requirements-dev.lock

## audit: known vulnerabilities in the locks (pip-audit, npm audit); reviewed exceptions in .ci/audit-ignore
audit: $(VENV)/.installed
	$(PY) scripts/audit.py

vendor: static/vendor/.installed

## translations: compile the .po catalogues into .mo files
translations: $(VENV)/.installed
	bash scripts/install.sh --venv $(VENV) --step translations

## extract-messages: refresh the catalogues after changing user-facing text
extract-messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract --no-location --omit-header -F babel.cfg -k _l -k _ln:1,2 -k both -k tr:2 -o portal/translations/messages.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching -i portal/translations/messages.pot -d portal/translations

instance/.migrated: $(VENV)/.installed $(wildcard migrations/versions/*.py)
	mkdir -p instance
	$(FLASK) db upgrade
	touch $@

## run: set up, seed the demo data on the first run, and serve on http://127.0.0.1:5000
run: setup
	@if [ ! -f instance/.seeded ]; then $(FLASK) seed-demo && touch instance/.seeded; \
	 else echo "Demo logins: admin@example.org, trainer@example.org, leader@example.org, student@example.org (password donghanh-demo-2025)"; \
	      echo "The organiser's two-factor key (add it to an authenticator app): DEMOADMINTOTPSECRETDONGHANH23456"; fi
	@# One job worker beside the web server (reminders, mail); it stops with the server.
	$(FLASK) worker & worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

## worker: run background jobs (mail, reminders, reports); in production one or more per machine, sharing JOBS_URL
worker: setup
	$(FLASK) worker

## lint: ruff (import order, pyflakes, pycodestyle, bugbear; settings in pyproject.toml) on the whole tree
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

## test: the whole suite on SQLite, then on PostgreSQL when TEST_DATABASE_URL is set
test: $(VENV)/.installed static/vendor/.installed translations
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgres; \
	 elif [ "$$CI" = "true" ]; then echo "CI=true but TEST_DATABASE_URL is not set: the PostgreSQL run cannot be skipped" >&2; exit 1; \
	 else echo "TEST_DATABASE_URL is not set: the PostgreSQL run was skipped"; fi

# pytest's exit code 5 means it collected no tests: that is a failure here, not a pass.
PYTEST = $(PY) -m pytest -p no:cacheprovider $(PYTEST_PATHS) $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; fi; exit $$rc

test-sqlite:
	PORTAL_TEST_DB=sqlite $(PYTEST)

test-postgres:
	PORTAL_TEST_DB=postgresql $(PYTEST)

## e2e: the browser journeys on SQLite, then PostgreSQL when TEST_DATABASE_URL is set (HEADED=1 to watch)
e2e: $(VENV)/.installed static/vendor/.installed translations chromium
	PORTAL_TEST_DB=sqlite $(PYTEST)
	@if [ -n "$$TEST_DATABASE_URL" ]; then echo "== the journeys again on PostgreSQL"; PORTAL_TEST_DB=postgresql $(PYTEST); \
	 elif [ "$$CI" = "true" ]; then echo "CI=true but TEST_DATABASE_URL is not set: the PostgreSQL run cannot be skipped" >&2; exit 1; \
	 else echo "TEST_DATABASE_URL is not set: the PostgreSQL journeys were skipped"; fi

e2e: PYTEST_PATHS = e2e

# Debian's chromium (Playwright drives it through executable_path; no browser download).
SUDO = $(if $(filter 0,$(shell id -u)),,sudo)
chromium:
	@command -v chromium >/dev/null || { echo "installing Debian's chromium"; \
	  $(SUDO) apt-get install -y -q chromium || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium; }; }

## bench: the benchmarks (figures on each one's last line); PostgreSQL from BENCH_DATABASE_URL
bench: $(VENV)/.installed static/vendor/.installed translations
	$(PY) bench/training_signoff.py
	$(PY) bench/booking_rush.py
	$(PY) bench/certificates.py
	$(PY) bench/reports.py
	$(PY) bench/finder.py
	$(PY) bench/posters.py

## serve-gunicorn: the production server, locally (SECRET_KEY and DATABASE_URL from the environment)
serve-gunicorn: setup
	$(VENV)/bin/gunicorn -c gunicorn.conf.py wsgi:app

## test-servers: two app servers and two job workers on one PostgreSQL and one Redis (TEST_DATABASE_URL, SERVERS_REDIS_URL)
test-servers: $(VENV)/.installed static/vendor/.installed translations
	$(PY) -m pytest -q -p no:cacheprovider tests_servers

clean:
	rm -rf $(VENV) node_modules static/vendor
