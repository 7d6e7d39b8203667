# Presa: the two set-up commands are `make demo` and `make test` (see README.md).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint bench clean

$(BIN)/monitor: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/monitor

install: $(BIN)/monitor

demo: install
	$(BIN)/monitor demo

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check monitor tests bench
	$(BIN)/mypy monitor

bench: install
	for b in ingest analysis accuracy dedup queries digest report; do $(BIN)/python -m bench.$$b || exit 1; done

clean:
	rm -rf data reports/out bench/out
