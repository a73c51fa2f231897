# Paddock: `make run` and `make test` set everything up on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint bench bench-quick clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Paddock needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	@$(BIN)/paddock run

test: $(STAMP)
	@$(BIN)/ruff check bot cogs tests $(wildcard bench)
	@$(BIN)/ruff format --check bot cogs tests $(wildcard bench)
	@$(BIN)/mypy
	@$(BIN)/lint-imports
	@$(BIN)/python -m pytest -q

lint: $(STAMP)
	@$(BIN)/ruff check --fix bot cogs tests $(wildcard bench)
	@$(BIN)/ruff format bot cogs tests $(wildcard bench)

bench: $(STAMP)
	@$(BIN)/python -m bench

bench-quick: $(STAMP)
	@$(BIN)/python -m bench --quick

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
