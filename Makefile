# mymachi — developer and CI entry points.
#   make demo   run the demo city + portal with embedded defaults (nothing else to start)
#   make test   the test suite against the real PostgreSQL (127.0.0.1:5432, db test) and Redis;
#               first installs missing system tools (scripts/prerequisites.sh, apt-get)
#   make lint   ruff
#   make lock   regenerate the locks from pyproject.toml (developers only; needs PyPI):
#               requirements.lock (runtime: the image) and requirements-dev.lock (+ tests, tools)
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Bootstrap tools installed into the venv before the lock (not part of the app's lock).
PIP_VERSION := 26.3
UV_VERSION  := 0.13.9
VENV_STAMP   := $(VENV)/.mymachi-installed
ASSETS_STAMP := node_modules/.mymachi-assets
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: help venv assets demo test lint lock services prerequisites clean screenshots

help:
	@echo "make demo    run the demo (http://127.0.0.1:$(PORT)/)"
	@echo "make test    run the tests (installs missing system tools, starts PostgreSQL/Redis)"
	@echo "make lint    ruff check"
	@echo "make venv    create/update .venv from requirements-dev.lock (+ project, editable)"
	@echo "make assets  npm ci (htmx, htmx-ext-sse, design tokens, axe-core into node_modules/)"
	@echo "make screenshots  regenerate docs/screenshots/*.png (Playwright + Debian chromium)"
	@echo "make lock    regenerate requirements.lock (runtime) and requirements-dev.lock (uv, hashes)"

venv: $(VENV_STAMP)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-runs whenever the lock or pyproject changes; otherwise a no-op.
$(VENV_STAMP): requirements-dev.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip==$(PIP_VERSION) uv==$(UV_VERSION)
	$(BIN)/python -m pip install --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --no-deps -e .
	@touch $@

assets: $(ASSETS_STAMP)

# npm ci wipes node_modules/, so the stamp lives inside it and goes with it.
$(ASSETS_STAMP): package-lock.json package.json
	npm ci --no-audit --no-fund
	@test -f node_modules/htmx.org/dist/htmx.min.js || { echo "missing node_modules/htmx.org/dist/htmx.min.js" >&2; exit 1; }
	@test -f node_modules/htmx-ext-sse/dist/sse.js || { echo "missing node_modules/htmx-ext-sse/dist/sse.js" >&2; exit 1; }
	@test -f node_modules/@digital-go-jp/design-tokens/dist/tokens.css || { echo "missing design tokens" >&2; exit 1; }
	@test -f node_modules/axe-core/axe.min.js || { echo "missing node_modules/axe-core/axe.min.js" >&2; exit 1; }
	@test -f node_modules/swagger-ui-dist/swagger-ui-bundle.js || { echo "missing swagger-ui-dist (/docs)" >&2; exit 1; }
	@test -f node_modules/redoc/bundles/redoc.standalone.js || { echo "missing redoc (/redoc)" >&2; exit 1; }
	@touch $@

demo: venv assets
	$(BIN)/mymachi demo --port $(PORT)

# README screenshots: onboarding and feed, ja and en, taken from a running `mymachi demo`.
screenshots: venv assets
	$(BIN)/python -m tests.browser.screenshots

services:
	bash scripts/services.sh

# System tools the tests need (Chromium, Caddy, Compose CLI, npm, …), via apt-get if missing.
prerequisites:
	bash scripts/prerequisites.sh

# Listed first: make runs prerequisites in order, and venv/assets need python3-venv and npm.
test: prerequisites venv assets
	bash scripts/services.sh
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .

lock: venv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 \
		--generate-hashes -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--generate-hashes -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
