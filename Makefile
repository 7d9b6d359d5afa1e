# Nightleg: the two commands most people need are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Development-only values; production reads real ones from the environment.
DEV_ENV := DJANGO_DEBUG=1 DJANGO_SECRET_KEY=dev-only-not-secret

.PHONY: run serve test demo screenshots lint fmt lock clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Nightleg needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	@echo "Nightleg is running at http://127.0.0.1:$(PORT)/  (Ctrl+C to stop)"
	@# The morning reminders in the background (mailed to this console, as there is no mail
	@# server in development); the trap stops them with the server, on Ctrl+C or otherwise.
	$(DEV_ENV) NIGHTLEG_SITE_URL=http://127.0.0.1:$(PORT) $(BIN)/python manage.py send_reminders & \
	  reminders=$$!; trap 'kill $$reminders 2>/dev/null' EXIT INT TERM; \
	  $(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production mode: collectstatic, migrate, gunicorn. Needs DJANGO_SECRET_KEY and
# DJANGO_ALLOWED_HOSTS in the environment or in .env (see .env.example and the README).
# PORT comes from the command line, the environment or .env, as scripts/serve reads it
# (make passes the first two on by itself; passing the Makefile's default would hide .env's).
serve: $(VENV)/.installed
	scripts/serve

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The suite again on a throwaway PostgreSQL server, without the browser tests and the
# simulations, which don't depend on the database; needs the server installed
# (Debian/Ubuntu: apt-get install postgresql).
.PHONY: test-postgres
test-postgres: $(VENV)/.installed-test
	scripts/with-postgres $(BIN)/python -m pytest -m "not browser and not simulation" $(PYTEST_ARGS)

demo: $(VENV)/.installed
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py seed_demo --username demo --password nightleg-demo

# Every page on a phone and a desktop, light and dark, with the demo's data in a throwaway
# database: docs/screenshots/*.png and the gallery docs/screenshots.md. Needs Chromium.
screenshots: $(VENV)/.installed-test
	$(BIN)/python -m scripts.screenshots

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

fmt: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin every dependency (direct and indirect) after editing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --extra test --no-header --no-emit-index-url --no-emit-find-links --output-file constraints.txt pyproject.toml

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache staticfiles

# Performance: `make bench` times every page against the login page on five years of
# made-up nights (bench/run.py). Not part of `make test`, which runs a small smoke run.
# `make bench-http` loads two pages through gunicorn with Debian's wrk (bench/http.py).
.PHONY: bench bench-http

bench: $(VENV)/.installed
	$(BIN)/python -m bench.run

bench-http: $(VENV)/.installed
	@command -v wrk >/dev/null || { echo "make bench-http needs wrk: sudo apt-get install wrk" >&2; exit 1; }
	$(BIN)/python -m bench.http
