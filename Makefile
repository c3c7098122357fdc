# bianmin — the two commands are `make run` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Test processes (pytest-xdist): `auto` is one per core; PYTEST_WORKERS=0 runs in this process (quickest for one file).
PYTEST_WORKERS ?= auto
# How xdist hands out tests (default: one at a time). `--dist loadfile` was tried on 3 Dec: no faster here
# (441 s against 434 s) and it ran 131 fewer tests than were collected without saying so; not used.
PYTEST_DIST ?=

.PHONY: run test lint setup demo worker bench lock clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

setup: $(VENV)/.installed

## Set up, migrate the SQLite database, load demo data, start the worker and serve the product.
# Links in printed receipts, QR codes and text messages point at the server `make run` starts.
run: export BIANMIN_PUBLIC_URL ?= http://$(HOST):$(PORT)
# Worker and server share one cache (a database table), so the views the worker warms are the server's.
run: export CACHE_URL ?= db
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py demo
	@$(PY) manage.py worker & WORKER=$$!; UPSTREAM=; \
	  if [ "$${EXCHANGE_DEMO:-}" = 1 ]; then mkdir -p var; \
	    $(PY) bench/upstream_server.py --host 127.0.0.1 --port 8811 --store var/upstream.sqlite3 >>var/upstream.log 2>&1 & UPSTREAM=$$!; fi; \
	  trap "kill $$WORKER $$UPSTREAM 2>/dev/null" EXIT INT TERM; \
	  echo ""; echo "  bianmin is at http://$(HOST):$(PORT)/  (staff sign-in: http://$(HOST):$(PORT)/accounts/login/)"; \
	  echo "  Demo sign-ins (demo data only): demo-clerk, demo-manager, demo-supervisor, demo-agent, admin / password bianmin-demo"; \
	  if [ -n "$$UPSTREAM" ]; then echo "  Test upstream of the exchange (EXCHANGE_DEMO=1): http://127.0.0.1:8811  (store var/upstream.sqlite3, log var/upstream.log)"; fi; \
	  echo ""; \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT)

## Run the whole test suite (unit, API, pages and browser tests) on the database in DATABASE_URL (SQLite by default),
## in parallel (each worker on its own test database), listing the ten slowest tests.
test: setup
	@bash scripts/ensure-chromium
	$(PY) -m pytest -n $(PYTEST_WORKERS) $(PYTEST_DIST) --durations=10 $(PYTEST_ARGS)

## Lint: ruff over the code and tests, mypy over the typed modules (settings in pyproject.toml).
lint: setup
	$(VENV)/bin/ruff check bianmin tests bench
	$(VENV)/bin/mypy

demo: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo

worker: setup
	$(PY) manage.py worker

bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

lock:
	$(PY) -m pip freeze --exclude-editable | grep -v '^bianmin' > requirements.txt

clean:
	rm -rf $(VENV) var
