# Two commands on a fresh machine: `make run` (the app with demo data on
# http://127.0.0.1:8000) and `make test` (the whole suite, browser tests too).
# Both install what they need first.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
HOST_PORT ?= 127.0.0.1:8000

.PHONY: run test test-fast install database browser lint format lock clean

run: install database
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "Serving on http://$(HOST_PORT)/ (Ctrl-C stops it)."
	$(BIN)/python manage.py runserver $(HOST_PORT)

# ruff check and ruff format --check run inside the suite (tests/test_guards.py).
# One worker per core (pytest-xdist), each with a test database of its own.
test: install database browser
	$(BIN)/pytest -n auto

# Everything but the browser tests: no Chromium needed, a few minutes faster.
test-fast: install database
	$(BIN)/pytest -n auto -m "not browser"

install: $(VENV)/.installed .env

# Reinstall whenever the lock changes; --require-hashes pins every byte.
$(VENV)/.installed: requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements-dev.lock
	touch $@

.env: | $(VENV)/.installed
	$(BIN)/python scripts/make_env.py

database: install
	$(BIN)/python scripts/database.py

# Browser tests drive Debian's Chromium; Playwright cannot download its own here.
# Their accessibility checks inject axe-core, pinned by package-lock.json.
browser: node_modules/.installed
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; fi; }
	@test -x $(CHROMIUM) || { echo "Chromium is missing at $(CHROMIUM): apt-get install chromium" >&2; exit 1; }

# axe-core for the accessibility checks: npm ci installs exactly the lock, again
# whenever it changes. npm comes from Debian's packages when it is missing.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	  elif command -v sudo >/dev/null 2>&1; then sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	  fi; } || true
	@command -v npm >/dev/null 2>&1 || { echo "npm is missing (the browser tests need it for axe-core): apt-get install nodejs npm" >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate both locks after editing pyproject.toml (needs uv: pip install uv).
lock:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements.lock
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf $(VENV) staticfiles node_modules
