# The whole setup is two commands: `make run` and `make test` (see README.md).

VENV := .venv
PY := $(VENV)/bin/python
PORTAL_PORT ?= 8000
EMULATOR_PORT ?= 8001
CHROMIUM := /usr/bin/chromium

.PHONY: run test install lint chromium translations a11y bench wrk emulator

# Stamp files make a re-run skip the installs unless the dependency lists changed.
$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

install: $(VENV)/.installed node_modules/.installed translations

translations: $(VENV)/.installed
	@DEBUG=true $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity=0

run: install
	@mkdir -p var/staticfiles
	@DEBUG=true $(PY) manage.py migrate --verbosity=0
	@DEBUG=true $(PY) manage.py grant_caseworker 27858815024
	@if [ -f emulator/settings.py ]; then \
	  DEBUG=true $(PY) manage.py emulator_prepare --settings=emulator.settings; fi
	@echo
	@echo "  Min innloggingshistorikk:  http://localhost:$(PORTAL_PORT)/"
	@if [ -f emulator/settings.py ]; then \
	  echo "  Local ID-porten emulator:  http://localhost:$(EMULATOR_PORT)/"; fi
	@echo "  Stop with Ctrl-C."
	@echo
	@trap 'kill 0' INT TERM EXIT; \
	if [ -f emulator/settings.py ]; then \
	  DEBUG=true $(PY) manage.py runserver --settings=emulator.settings 127.0.0.1:$(EMULATOR_PORT) & \
	fi; \
	DEBUG=true ADMIN_PIDS=$${ADMIN_PIDS-27858815024} $(PY) manage.py runserver 127.0.0.1:$(PORTAL_PORT)

# The emulator alone, for another team's service (emulator/README.md, "Using the emulator
# for your own service"): EMULATOR_EXTRA_CLIENTS_FILE names their clients.
emulator: install
	@DEBUG=true $(PY) manage.py emulator_prepare --settings=emulator.settings
	@echo "  Local ID-porten emulator:  http://localhost:$(EMULATOR_PORT)/  (Ctrl-C stops it)"
	@DEBUG=true $(PY) manage.py runserver --settings=emulator.settings 127.0.0.1:$(EMULATOR_PORT)

# Browser tests drive Debian's chromium; Playwright cannot download a browser here.
chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Chromium is missing. Install it with:  sudo apt-get install -y chromium" >&2; exit 1; \
	  fi; \
	fi

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy --config-file emulator/mypy.toml
	$(VENV)/bin/lint-imports --no-cache --no-logo

test: install chromium lint
	$(VENV)/bin/pytest

# The accessibility audit (tests/browser/test_audit.py, part of `make test` too), with its
# Markdown report of every page, state, language and check.
A11Y_REPORT ?= var/a11y-report.md
a11y: install chromium
	A11Y_REPORT=$(A11Y_REPORT) $(VENV)/bin/pytest -p no:cacheprovider tests/browser/test_audit.py; \
	  status=$$?; echo "Report: $(A11Y_REPORT)"; exit $$status

# The load generator of `make bench`: Debian's wrk.
wrk:
	@if ! command -v wrk >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; \
	  else \
	    echo "wrk is missing. Install it with:  sudo apt-get install -y wrk" >&2; exit 1; \
	  fi; \
	fi

# Issue 16's performance measurements (bench/README.md), not part of `make test`: the portal
# under gunicorn with PostgreSQL and Redis on localhost, about 3 minutes (QUICK=1: about 75 s).
bench: install wrk
	$(PY) -m bench.run $(if $(QUICK),--quick)
