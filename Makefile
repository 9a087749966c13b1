# Task runner for the HSMC catalogue. Needs only make and Python 3.12 or newer.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

# The first interpreter on this machine that is Python 3.12 or newer: on PATH (pyenv shims
# included, which honour .python-version), then pyenv's own versions.
define FIND_PYTHON
for candidate in python3.13 python3.12 python3.14 python3 \
    $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 \
    /usr/local/bin/python3.13 /usr/local/bin/python3.12 /usr/bin/python3.13 /usr/bin/python3.12; do \
  if "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
    echo "$$candidate"; exit 0; \
  fi; \
done
endef
PYTHON ?= $(shell $(FIND_PYTHON))

.PHONY: help install run test lint format serve worker check lock demo clean

help:
	@echo "make run    - install, migrate, load the demo content and serve on http://$(HOST):$(PORT)"
	@echo "make test   - install and run the whole test suite (browser tests skip without Chromium)"
	@echo "make lint   - ruff check and format check"
	@echo "make format - apply ruff's fixes and formatting"
	@echo "make serve  - production-like: collectstatic, migrate, gunicorn"
	@echo "make worker - the background task worker (production runs it beside gunicorn)"
	@echo "make lock   - regenerate the hashed lock files from pyproject.toml"

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: Python 3.12 or newer is required (Django 6 needs it); none was found." >&2; \
	  echo "       Install python3.12 or python3.13, or 'pyenv install 3.13', then run make again." >&2; \
	  exit 1; \
	fi
	"$(PYTHON)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the lock changes; exactly the versions CI tested, checked by hash.
$(VENV)/.installed: requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.txt
	@touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_content
	$(BIN)/python manage.py refresh_availability
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

serve: install
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/gunicorn hsmc_site.wsgi:application -c gunicorn.conf.py

# The task queue's worker (TASKS_BACKEND=database, the production default): a process of its own.
worker: install
	$(BIN)/python manage.py db_worker --queue-name '*' --interval 2

demo: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_content

lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.12 --generate-hashes --quiet -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.12 --generate-hashes --quiet -o requirements/dev.txt
	$(BIN)/uv pip compile pyproject.toml --extra s3 --universal --python-version 3.12 --generate-hashes --quiet -o requirements/s3.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
