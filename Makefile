# KERAPU: `make run` serves the portal, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# `make run` prints mail on the console and marks it sent, so it needs no
# SMTP server; `make run MAIL_BACKEND=smtp` sends it through the server set
# in instance/config.py (and still prints it).
MAIL_BACKEND ?= console
export FLASK_APP := kerapu
DEV := FLASK_DEPLOYMENT=development FLASK_MAIL_BACKEND=$(MAIL_BACKEND) \
	FLASK_PUBLIC_BASE_URL=http://127.0.0.1:$(PORT)

.PHONY: run test lint bench lighthouse install clean

$(BIN)/python:
	sh scripts/make-venv "$(PYTHON)" "$(VENV)"

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@ $(VENV)/.installed

# axe-core for the browser tests (`npm ci --omit=dev`), and with it Lighthouse
# for `make lighthouse` (a devDependency), pinned in package.json and
# package-lock.json. Without npm the axe test skips, except in CI.
node_modules/.axe: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --omit=dev --no-audit --no-fund && touch $@; \
	else \
		echo "npm not found: axe-core not installed, the axe test will skip"; \
	fi

node_modules/.lighthouse: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@ node_modules/.axe

instance/config.py:
	$(BIN)/python scripts/write-instance-config.py $@

install: $(VENV)/.installed

# The mail sender runs beside the server and is stopped with it (Ctrl-C).
run: $(VENV)/.installed instance/config.py
	$(DEV) $(BIN)/flask kerapu setup
	$(DEV) $(BIN)/flask kerapu send-mail --watch --interval 2 & sender=$$!; \
	trap 'kill $$sender 2>/dev/null' EXIT; trap 'exit 130' INT TERM; \
	$(DEV) $(BIN)/flask run --host 127.0.0.1 --port $(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint node_modules/.axe
	$(BIN)/pytest

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lighthouse: $(VENV)/.installed-test node_modules/.lighthouse
	$(BIN)/python bench/lighthouse.py $(LIGHTHOUSE_ARGS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache
