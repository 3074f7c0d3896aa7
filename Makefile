# tocsin: `make run` and `make test` work from a fresh clone on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
DB     ?= sqlite:///tocsin.db
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test bench eval lint setup clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel
	$(PY) -m pip install --quiet -e '.[dev,eval]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/tocsin demo --db $(DB) --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(PY) -m pytest -n 2 -q

eval: $(STAMP)
	$(PY) -m eval.run

bench: $(STAMP)
	$(PY) -m bench.run

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests eval bench
	$(VENV)/bin/ruff format --check src tests eval bench
	$(VENV)/bin/mypy src

clean:
	rm -rf $(VENV) tocsin.db tocsin.db-* .pytest_cache artifacts
