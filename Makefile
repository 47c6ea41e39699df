# One entry point for every routine. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock build-constraints.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint bench bench-load install demo clean

$(STAMP): requirements.lock build-constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet pip==26.3
	$(BIN)/python -m pip install --quiet --build-constraint build-constraints.txt -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Serve the demo at http://127.0.0.1:8000. Without REDIS_URL mail is dispatched by an
# in-process loop (printed to this console); with REDIS_URL a Celery worker and beat run.
run: install
	@DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --no-input -v 0
	@DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo --if-empty
	@echo ""
	@echo "  Wisselstage runs at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo --print-logins
	@echo ""
	@export DEBUG=$${DEBUG:-true}; trap 'kill 0' INT TERM EXIT; \
	if [ -n "$$REDIS_URL" ]; then \
	  $(BIN)/celery -A wisselstage worker --beat --loglevel=warning --concurrency=2 & \
	else \
	  $(BIN)/python manage.py outbox_loop & \
	fi; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole suite. PostgreSQL when DATABASE_URL is set (CI sets it), else SQLite. Tests that
# need Redis, a Celery worker or chromium are skipped here with a reason starting "needs";
# under CI=true such a skip fails the run.
test: install
	DEBUG=true WISSELSTAGE_TESTING=true $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/djlint --lint templates */templates
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

# Benchmarks print figures; targets are checked by reading them, never by a timed test.
bench: install
	$(BIN)/python -m bench.bench_matching
	DEBUG=true $(BIN)/python -m bench.bench_reminders
	DEBUG=true $(BIN)/python -m bench.bench_reports

# Load test: locust, 50 users for 60 s against gunicorn -w 4 with a fresh PostgreSQL
# database wisselstage_load (127.0.0.1:5432, Redis db 3). Fails when any request fails.
bench-load: install
	$(BIN)/python -m bench.bench_load $(BENCH_LOAD_ARGS)

demo: install
	DEBUG=true $(BIN)/python manage.py seed_demo --reset

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
