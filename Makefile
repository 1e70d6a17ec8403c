PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.installed
JS_STAMP := node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup demo demo-data test lint format bench messages clean

## setup: virtual environment in .venv with the dev extra, front-end libraries from npm
setup: $(PY_STAMP) $(JS_STAMP)

$(PY_STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	@scripts/system-packages.sh libharfbuzz-subset0 gettext fonts-noto-core fonts-dejavu-core poppler-utils
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

$(JS_STAMP): package.json package-lock.json
	@command -v npm >/dev/null 2>&1 || scripts/system-packages.sh npm
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# The demo's mails link to the address it serves on, and print as one line each.
DEMO_ENV = SITE_URL=http://$(HOST):$(PORT) EMAIL_URL=onelinemail://

## demo: set up, migrate, create (or restore) the demo and its logins, serve on HOST:PORT
demo: demo-data
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## demo-data: the demo's first step alone: migrate, create (or restore) the demo, print the logins
demo-data: setup
	$(BIN)/python manage.py migrate --no-input
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo

## test: the whole suite (services used when reachable; REQUIRE_SERVICES=1 makes them mandatory),
## on TEST_WORKERS processes; the tests that stop a shared service run alone after the rest
TEST_WORKERS ?= auto
test: setup
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not exclusive" $(PYTEST_ARGS) || test $$? -eq 5
	$(BIN)/python -m pytest -m exclusive $(PYTEST_ARGS) || test $$? -eq 5

## lint: ruff, formatting, migrations in step with models, types of services and selectors
lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/mypy

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: the benchmarks under bench/, printing their numbers
bench: setup
	$(BIN)/python bench/run.py

## messages: extract translatable strings into locale/ and compile them
messages: setup
	$(BIN)/python manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=node_modules --ignore=staticfiles
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache .mypy_cache
