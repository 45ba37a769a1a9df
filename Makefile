# Bantin. Every target bootstraps .venv from uv.lock on a machine that has only Python 3.11.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(PYTHON) -m uv
endif
export UV_PROJECT_ENVIRONMENT := $(VENV)
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PROVINCE ?= 22

.PHONY: demo test test-fast check check-deploy bench e2e venv messages clean

venv: $(VENV)/.synced

$(VENV)/.synced: pyproject.toml uv.lock
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet uv
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

## demo: the app with a demo province (Quảng Ninh) on SQLite at http://127.0.0.1:8000
# The demo lets administrators in without two-factor; every real installation requires it.
demo: export BANTIN_REQUIRE_2FA_FOR_ADMINS = 0
demo: venv
	@mkdir -p var/staticfiles var/media
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --province $(DEMO_PROVINCE) --months 12 --seed 2026
	@echo "Bantin: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@trap 'kill 0' EXIT INT TERM; \
	  while :; do $(PY) manage.py worker --interval 1; echo "worker exited ($$?); starting it again" >&2; sleep 2; done & \
	  $(PY) manage.py runserver --noreload $(HOST):$(PORT)

## check: lint, format, types, Django checks, migrations in step with models
check: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run

## test: check, then the whole suite (DATABASE_URL picks the database; SQLite by default)
test: check
	$(PY) -m pytest -n auto --durations=15

## test-fast: the suite without the browser and slow tests, for a quick loop (about a minute)
test-fast: venv
	$(PY) -m pytest -n auto -m "not slow and not e2e"

## check-deploy: Django's deployment checklist on the production profile; any warning fails
check-deploy: venv
	DJANGO_SETTINGS_MODULE=config.settings_production \
	SECRET_KEY="$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))')" \
	ALLOWED_HOSTS=example.org \
	$(PY) manage.py check --deploy --fail-level WARNING

## bench: the performance scripts in bench/, each prints its figures
bench: venv
	@for f in bench/*_bench.py; do [ -e "$$f" ] || continue; echo "== $$f"; $(PY) $$f || exit 1; done

## messages: refresh the English catalogues (project: core, units, accounts; one per feature app)
APPS_WITH_LOCALE := registry ledger reports hub factchecks public
messages: venv
	$(PY) manage.py makemessages -l en --no-location --no-obsolete -i ".venv/*" -i "var/*" $(foreach a,$(APPS_WITH_LOCALE),-i "$(a)/*")
	@for a in $(APPS_WITH_LOCALE); do mkdir -p $$a/locale; (cd $$a && ../$(PY) ../manage.py makemessages -l en --no-location --no-obsolete); done
	$(PY) manage.py compilemessages -l en --ignore ".venv/*"

clean:
	rm -rf $(VENV) var
