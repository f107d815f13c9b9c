# Two commands on a fresh machine: `make run` and `make test`.
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app matchmaker
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: install fonts db run test test-fast e2e lint format bench bench-small worker clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) fonts

# The generated PDFs (briefing, signing certificate) use DejaVu Sans for names in any script;
# Debian's fonts-dejavu-core, installed here when missing and we may (else Latin-only Vera is used).
fonts:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing fonts-dejavu-core from Debian for the generated PDFs"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >/dev/null; \
	  else echo "note: fonts-dejavu-core is missing; PDFs fall back to Latin-only fonts"; fi; }

db: install
	$(FLASK) db upgrade

run: db
	MATCHMAKER_BASE_URL=$${MATCHMAKER_BASE_URL:-http://$(HOST):$(PORT)} $(FLASK) demo
	MATCHMAKER_BASE_URL=$${MATCHMAKER_BASE_URL:-http://$(HOST):$(PORT)} $(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not e2e" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python bench/run.py $(ARGS)

bench-small: install
	$(BIN)/python bench/run.py --small

worker: db
	$(FLASK) worker

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info
