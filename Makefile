# Each target is one or two commands you can also type yourself (the README lists them).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# One OpenMP thread per process: the tests run two notebooks at once on two cores, and
# oversubscribed scikit-learn threads spin instead of working.
export OMP_NUM_THREADS ?= 1
PORT ?= 8000
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg

.PHONY: setup book serve lab test execute exercises clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV) && $(BIN)/pip install -r requirements.txt
	touch $@

book: setup
	npm ci --no-audit --no-fund
	$(BIN)/jupyter-book build . -W -n --keep-going && echo "Open _build/html/index.html, or run: make serve"

serve:
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

lab: setup
	$(BIN)/jupyter lab chapters

test: book
	$(BIN)/python -m pytest -n 2 --dist loadfile $(NBVAL) tests chapters exercises solutions

execute: setup
	$(BIN)/python -m mlsys.notebooks chapters solutions
	$(BIN)/python -m mlsys.exercises

exercises: setup
	$(BIN)/python -m mlsys.exercises

clean:
	rm -rf _build tests/artifacts
