# fttm — `make run` to try it, `make test` to check it. Both set up everything they need.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
CHROMIUM ?= /usr/bin/chromium
# Where to tell people to go: the server's own address, or this machine when it listens everywhere.
SITE_HOST := $(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST))

.PHONY: run test lint format bench fuzz chromium servers messages translations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

run: $(VENV)/.installed translations
	$(BIN)/fttm db upgrade
	$(BIN)/fttm demo --if-empty --site http://$(SITE_HOST):$(PORT)
	$(BIN)/fttm serve --host $(HOST) --port $(PORT)

# Browser tests drive Debian's Chromium, and PDFs need Pango; install them when missing (as root),
# else say how.
SYSTEM_PACKAGES = chromium fonts-dejavu-core libcairo2 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
chromium:
	@if [ -x "$(CHROMIUM)" ] && ldconfig -p | grep -q libpangoft2-1.0.so.0; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Chromium for the browser tests (apt-get)…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES) >/dev/null; \
	else \
	  echo "The browser tests need Chromium, and PDFs need Pango. Run:  sudo apt-get install -y $(SYSTEM_PACKAGES)"; exit 1; \
	fi

# The integration tests run two workers on a real Redis and a real PostgreSQL (Debian's packages;
# their services are never started: the tests start their own in temporary folders).
SERVER_PACKAGES = redis-server postgresql
servers:
	@if command -v redis-server >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  echo "Installing Redis and PostgreSQL for the integration tests (apt-get)…"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(SERVER_PACKAGES) >/dev/null; \
	else \
	  echo "The integration tests need Redis and PostgreSQL. Run:  sudo apt-get install -y $(SERVER_PACKAGES)"; exit 1; \
	fi

test: $(VENV)/.installed translations chromium servers
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The benchmark needs the `bench` extra (aiohttp clients, gevent, py-spy); about 10 minutes.
bench: $(VENV)/.installed translations
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench all

# The security property test (tests/security/test_stateful.py) with many more random examples than
# CI runs: devices of every kind acting at random, checked after every step. About 12 minutes.
FUZZ_EXAMPLES ?= 500
fuzz: $(VENV)/.installed
	FTTM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -p no:cacheprovider tests/security/test_stateful.py

# The catalogues (fttm/translations/<locale>/LC_MESSAGES/messages.po) are committed; their compiled
# .mo files are not: compile each one whose .po is newer than its .mo (tests/conftest.py does the same
# for a bare `pytest`).
CATALOGUES := $(wildcard fttm/translations/*/LC_MESSAGES/messages.po)
translations: $(CATALOGUES:.po=.mo)

fttm/translations/%/LC_MESSAGES/messages.mo: fttm/translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d fttm/translations -l $*

# Extract every translatable string into fttm/translations/messages.pot (committed, for translators),
# then merge it into the French catalogue: new msgids come in empty, never guessed from a similar one
# (no fuzzy matching). tests/test_translations.py fails until each is translated.
BABEL_KEYWORDS = -k _l -k lazy_gettext -k lazy_ngettext:1,2
FRENCH = fttm/translations/fr_CA/LC_MESSAGES/messages.po
messages: $(VENV)/.installed
	mkdir -p fttm/translations
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) --sort-by-file --no-wrap \
	  --project fttm --version 0.1.0 -o fttm/translations/messages.pot .
	test -f $(FRENCH) || $(BIN)/pybabel init -i fttm/translations/messages.pot -d fttm/translations -l fr_CA
	# French has two plural forms (1 and 0 are singular), whatever Babel's locale data proposes.
	sed -i 's/^"Plural-Forms: .*"$$/"Plural-Forms: nplurals=2; plural=(n > 1);\\n"/' $(FRENCH)
	$(BIN)/pybabel update -i fttm/translations/messages.pot -d fttm/translations -l fr_CA \
	  --no-fuzzy-matching --no-wrap

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache htmlcov .coverage
