"""The learner's JupyterLab, in Chromium: the chapters run, their MyST renders, an explorer moves.

A JupyterLab of the book's environment (its settings overrides included, the learner's own
settings left out) serves a copy of the notebooks on a free port of 127.0.0.1 with a token. Per
chapter (one test each): Run All Cells; no cell shows an error; no rendered markdown cell shows
raw MyST markup; in the first chapter with one, moving a live explorer's slider redraws its
figure. Then an exercise: one task's answer is filled in from its solution, the notebook runs,
and that task's check says PASS. The server is stopped whatever happens. A screenshot of each
chapter's opening goes to tests/artifacts/screenshots/lab__<chapter>.jpeg.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
import yaml
from playwright.sync_api import Error as PlaywrightError

from conftest import ROOT

TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [entry["file"] for part in TOC["parts"] for entry in part["chapters"]
            if entry["file"].startswith("chapters/")]
TOKEN = "mlsys-book-test"
RAW_MYST = (":class:", "{term}`", "{cite}`", "{doc}`", "{numref}`", "```{", "{admonition}",
            "prediction-end")
RUN_TIMEOUT_MS = 240_000
EXERCISE = "exercises/03_latency"

# The notebook JupyterLab shows, through the application object it exposes to the page.
NOTEBOOK_JS = "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
READY_JS = """path => { const nb = window.jupyterapp?.shell.currentWidget;
  return nb?.context?.path === path && !!nb.content?.widgets?.length
    && nb.sessionContext?.session?.kernel?.status === 'idle'; }"""
# Started, not awaited: the command's promise need not settle when a cell raises.
RUN_ALL_JS = "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
STARTED_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets
  .some(c => c.model.type === 'code' && ((c.promptNode?.textContent || '').includes('*')
                                         || c.model.executionCount !== null))"""
SHUT_DOWN_JS = "() => window.jupyterapp.shell.currentWidget.sessionContext.shutdown()"
# Run All is done when the kernel is idle and every code cell has run, or when one raised (the
# rest are then not run). The kernel is idle for a moment between two cells, and a queued cell
# need not show "*" yet, so neither alone says the run is over.
DONE_JS = """() => { const nb = window.jupyterapp.shell.currentWidget;
  const code = nb.content.widgets.filter(c => c.model.type === 'code');
  if (nb.sessionContext.session.kernel.status !== 'idle') return false;
  if (code.every(c => c.model.executionCount !== null)) return true;
  return !code.some(c => (c.promptNode?.textContent || '').includes('*'))
    && code.some(c => c.model.outputs.toJSON().some(o => o.output_type === 'error')); }"""
ERRORS_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets
  .map((c, i) => ({i, outputs: c.model.type === 'code' ? c.model.outputs.toJSON() : []}))
  .flatMap(({i, outputs}) => outputs.filter(o => o.output_type === 'error')
  .map(o => `cell ${i + 1}: ${o.ename}: ${o.evalue}`))"""
MARKDOWN_JS = """() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter(c => c.model.type === 'markdown')
  .map(c => { const r = c.node.querySelector('.myst, .jp-MarkdownOutput');
              return r ? r.innerText : null; })"""
LIVE_IMAGE_JS = """box => [...box.querySelectorAll('img')].map(img => img.src).join(' ')"""
# A promise that settles when the live explorer shows a figure other than `before`.
REDRAWN_JS = """(box, before) => new Promise((resolve, reject) => {
  const shown = () => [...box.querySelectorAll('img')].map(img => img.src).join(' ');
  const done = () => { const now = shown(); return now && now !== before; };
  if (done()) return resolve(true);
  const observer = new MutationObserver(() => {
    if (done()) { observer.disconnect(); clearTimeout(timer); resolve(true); } });
  observer.observe(box, {subtree: true, childList: true, attributes: true});
  const timer = setTimeout(() => { observer.disconnect(); reject(new Error('no redraw')); },
                           60000); })"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server over a copy of the notebooks; its URL. Stopped whatever happens."""
    if not shutil.which("jupyter-lab", path=str(Path(sys.executable).parent)):
        pytest.fail("jupyter-lab is not in the environment: pip install -r requirements.txt",
                    pytrace=False)
    root = tmp_path_factory.mktemp("lab")
    for folder in ("chapters", "exercises"):
        shutil.copytree(ROOT / folder, root / folder)
        for path in (root / folder).glob("*.ipynb"):
            clear_outputs(path)
    shutil.copy(ROOT / "start.ipynb", root)
    private = tmp_path_factory.mktemp("lab-user")  # none of the learner's own settings
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(private / "config"),
           "JUPYTERLAB_SETTINGS_DIR": str(private / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(private / "workspaces"),
           "JUPYTER_RUNTIME_DIR": str(private / "runtime")}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [str(Path(sys.executable).parent / "jupyter-lab"), "--no-browser",
               f"--port={port}", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}",
               f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True",
               "--ServerApp.open_browser=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = (private / "lab.log").open("w")
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1).close()
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)
        else:
            pytest.fail(f"JupyterLab did not answer on {url}", pytrace=False)
        if server.poll() is not None:
            pytest.fail(f"JupyterLab stopped: {(private / 'lab.log').read_text()[-2000:]}",
                        pytrace=False)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def clear_outputs(path):
    """As a learner's notebook before its first run: no outputs, no execution counts, so that
    a cell's count says it ran in this test."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nbformat.write(notebook, path)


def open_notebook(browser, lab, path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", lambda route: route.continue_() if "127.0.0.1" in route.request.url
                  else route.abort())
    tab = context.new_page()
    # reset: a fresh workspace, so the notebooks of earlier tests are not opened again
    tab.goto(f"{lab}/lab/tree/{path}.ipynb?token={TOKEN}&reset", wait_until="load")
    tab.wait_for_function(READY_JS, arg=f"{path}.ipynb", timeout=120_000)
    return context, tab


def close(context, tab):
    """Shut the notebook's kernel down (closing the page would leave it running), then the page."""
    try:
        tab.evaluate(SHUT_DOWN_JS)
    finally:
        context.close()


def run_all(tab):
    tab.evaluate(RUN_ALL_JS)
    tab.wait_for_function(STARTED_JS, timeout=60_000, polling=200)
    tab.wait_for_function(DONE_JS, timeout=RUN_TIMEOUT_MS, polling=500)
    unrun = tab.evaluate("""() => window.jupyterapp.shell.currentWidget.content.widgets
      .filter(c => c.model.type === 'code').map((c, i) => [i + 1, c.model.executionCount])
      .filter(([i, count]) => count === null).map(([i]) => i)""")
    return [f"code cells {unrun} did not run"] if unrun else []


def check_chapter(chapter, lab, browser, screenshot_dir):
    context, tab = open_notebook(browser, lab, chapter)
    problems = []
    try:
        tab.screenshot(path=screenshot_dir / f"lab__{Path(chapter).name}.jpeg", quality=80)
        problems += run_all(tab)
        if tab.locator("text=official Jupyter news").count():
            problems.append("JupyterLab asks about its news: the settings overrides are missing")
        problems += tab.evaluate(ERRORS_JS)
        rendered = tab.evaluate(MARKDOWN_JS)
        if None in rendered:
            problems.append(f"{rendered.count(None)} markdown cells not rendered")
        for index, text in enumerate(rendered):
            for markup in RAW_MYST:
                if text and markup in text:
                    problems.append(f"markdown cell {index + 1} shows raw MyST {markup!r}: "
                                    f"...{text[max(0, text.index(markup) - 60):][:140]}...")
        if chapter == first_chapter_with_live_explorer():
            problems += move_live_explorer(tab)
    finally:
        close(context, tab)
    assert not problems, f"{chapter} in JupyterLab:\n" + "\n".join(problems)


# Under `--dist loadscope` (make test) a class is one unit of work: the chapters are dealt to two
# classes, so that each of the two workers runs about half of them, with its own JupyterLab.
class TestChaptersDealtFirst:
    @pytest.mark.parametrize("chapter", CHAPTERS[0::2])
    def test_a_chapter_runs_and_reads_in_jupyterlab(self, chapter, lab, browser, screenshot_dir):
        check_chapter(chapter, lab, browser, screenshot_dir)


class TestChaptersDealtSecond:
    @pytest.mark.parametrize("chapter", CHAPTERS[1::2])
    def test_a_chapter_runs_and_reads_in_jupyterlab(self, chapter, lab, browser, screenshot_dir):
        check_chapter(chapter, lab, browser, screenshot_dir)


def first_chapter_with_live_explorer():
    for chapter in CHAPTERS:
        if "live_explorer(" in (ROOT / f"{chapter}.ipynb").read_text():
            return chapter
    return None


def move_live_explorer(tab):
    """Press End on the first live explorer's first slider; its figure must be redrawn."""
    box = tab.locator(".mlsys-live-explorer").first
    if not box.count():
        return ["no live explorer drawn"]
    before = box.evaluate(LIVE_IMAGE_JS)
    handle = box.locator(".noUi-handle").first
    handle.focus()
    tab.keyboard.press("End")
    try:
        box.evaluate_handle(REDRAWN_JS, before)  # resolves once another figure shows
    except PlaywrightError:
        return ["moving the live explorer's slider did not redraw its figure within 60 s"]
    return []


def first_task(name):
    """(index of the exercise's first task cell, the solution's source of that cell)."""
    solution = nbformat.read(ROOT / f"{name.replace('exercises/', 'solutions/')}.ipynb", 4)
    exercise = nbformat.read(ROOT / f"{name}.ipynb", 4)
    answer = next(c.source for c in solution.cells
                  if c.cell_type == "code" and "### BEGIN SOLUTION" in c.source)
    check_call = answer.strip().splitlines()[-1]  # the task's check, the cell's last line
    index = next(i for i, c in enumerate(exercise.cells)
                 if c.cell_type == "code" and c.source.strip().endswith(check_call))
    return index, answer


def test_an_exercise_task_filled_from_its_solution_passes_in_jupyterlab(lab, browser):
    index, answer = first_task(EXERCISE)
    context, tab = open_notebook(browser, lab, EXERCISE)
    try:
        tab.evaluate("([i, source]) => window.jupyterapp.shell.currentWidget.content.widgets[i]"
                     ".model.sharedModel.setSource(source)", [index, answer])
        errors = run_all(tab) + tab.evaluate(ERRORS_JS)
        verdict = tab.evaluate("i => window.jupyterapp.shell.currentWidget.content.widgets[i]"
                               ".outputArea.node.innerText", index)
    finally:
        close(context, tab)
    assert not errors, errors
    assert "PASS" in verdict and "FAIL" not in verdict, verdict
