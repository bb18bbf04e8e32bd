# Đồng hành portal: `make run` to try it, `make test` to check it. Nothing else is needed.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
export PORTAL_ENV ?= development

.PHONY: setup run worker lint test test-sqlite test-postgres e2e chromium bench serve-gunicorn translations extract-messages vendor clean

## setup: virtualenv, Python and npm packages, vendored assets, compiled translations, database
setup: $(VENV)/.installed static/vendor/.installed translations instance/.migrated

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Copy the front-end packages we serve into static/vendor (never committed, never from a CDN).
static/vendor/.installed: node_modules/.installed
	rm -rf static/vendor && mkdir -p static/vendor/htmx static/vendor/be-vietnam-pro/files static/vendor/fonts
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	for w in 400 500 600 700; do cp node_modules/@fontsource/be-vietnam-pro/$$w.css static/vendor/be-vietnam-pro/; done
	cp node_modules/@fontsource/be-vietnam-pro/files/be-vietnam-pro-{vietnamese,latin,latin-ext}-{400,500,600,700}-normal.woff2 static/vendor/be-vietnam-pro/files/
	# TrueType outlines for the certificate PDFs (reportlab embeds TTF, not woff2).
	cp node_modules/@expo-google-fonts/be-vietnam-pro/{400Regular/BeVietnamPro_400Regular,400Regular_Italic/BeVietnamPro_400Regular_Italic,600SemiBold/BeVietnamPro_600SemiBold,700Bold/BeVietnamPro_700Bold}.ttf static/vendor/fonts/
	touch $@

vendor: static/vendor/.installed

## translations: compile the .po catalogues into .mo files
translations: $(VENV)/.installed
	$(VENV)/bin/pybabel -q compile -d portal/translations

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
	$(VENV)/bin/gunicorn --workers 2 --bind 127.0.0.1:8000 wsgi:app

clean:
	rm -rf $(VENV) node_modules static/vendor
