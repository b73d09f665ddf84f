"""The grader's own evaluation of a submission: the grade never comes from what a notebook prints.

`evaluate` runs a submitted notebook in a fresh kernel, cell by cell, in a private temporary copy
of its folder (with a time limit per cell, one for the whole notebook and a memory limit;
optionally in a bubblewrap sandbox, see `mlsys.sandbox`). Then the grader evaluates every task
itself, in the same kernel:

1. The check calls come from a **trusted reference**: the book's own copy of the exercise
   (``exercises/<name>.ipynb``), never from the submission. `reference_calls` reads each
   ``checks.check_x(answer, ...)`` statement of its cells and the imports that name ``checks``.
2. Code the grader sends after the last cell forgets every ``mlsys`` module the notebook
   imported, pins the name ``mlsys`` to the book's own folder (so a ``mlsys/`` handed in beside
   the notebook cannot stand in for it) and imports the checks afresh: a notebook that patched a
   check, its module or ``print`` patched objects the grader no longer uses.
3. Each task's check is called on the learner's answer objects (the call's arguments, evaluated
   in the learner's namespace) with its verdict recorded, not printed, and its return value is
   the result: True is PASS, False is FAIL, ``"REVIEW"`` (a written answer a person grades;
   also when the check reports ``result="REVIEW"``) is REVIEW.
4. The results come back in the kernel's reply to the grader's request (``user_expressions``)
   with a token drawn at grading time, never through the notebook's outputs, which the grader
   ignores altogether.

What this does not defend against: code that runs in the same kernel before the grader's can in
principle still tamper with the interpreter the grader's code runs in (hooks, builtins, the
import system, numpy itself). See the instructor guide's threat model.
"""

from __future__ import annotations

import ast
import json
import secrets
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from mlsys import sandbox as sandbox_module
from mlsys._validate import check_number

ROOT = Path(__file__).resolve().parents[1]
BOOK_EXERCISES = ROOT / "exercises"
#: The package whose modules the grader pins and re-imports: the book's own.
TRUSTED_PACKAGE = "mlsys"


@dataclass(frozen=True)
class CheckCall:
    """One check call of the reference: its source, and the imports its names come from."""

    source: str  # e.g. "checks.check_slo_verdict(p99_ms, slo_holds)"
    cell: int  # the reference's cell number (1-based), for messages


@dataclass(frozen=True)
class Reference:
    """What the grader takes from the trusted copy of an exercise."""

    path: str
    tasks: list  # [{"task": "1", "title": "...", "kind": "auto" or "review"}] from its metadata
    calls: list  # [CheckCall]
    imports: list  # [(alias, module, attribute or None)] binding trusted names, in order


@dataclass(frozen=True)
class TaskOutcome:
    task: str
    title: str
    result: str  # "PASS", "FAIL", "REVIEW" or "NOT RUN"
    message: str


@dataclass(frozen=True)
class Outcome:
    tasks: list  # [TaskOutcome]
    problems: list = field(default_factory=list)
    seconds: float = 0.0


def _python_source(cell_source: str) -> str | None:
    """The cell as plain Python (IPython's magics turned into calls), or None if it is not."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        source = TransformerManager().transform_cell(cell_source)
        ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    return source


def _trusted(module: str, trusted_names) -> bool:
    return module.split(".")[0] in trusted_names


def trusted_roots(check_path=()) -> dict:
    """{top-level module name: the folder it is imported from} for every trusted check module.

    The book's package, then each module and package in the folders of `check_path` (an
    instructor's own checks); the kernel imports these names from these folders only.
    """
    roots = {TRUSTED_PACKAGE: str(ROOT)}
    for folder in map(Path, check_path):
        if not folder.is_dir():
            raise ValueError(f"check_path must list existing folders; got {str(folder)!r}")
        for item in sorted(folder.iterdir()):
            if item.suffix == ".py" or (item / "__init__.py").is_file():
                roots.setdefault(item.stem if item.suffix == ".py" else item.name,
                                 str(folder.resolve()))
    return roots


def reference_calls(notebook, *, trusted_names=(TRUSTED_PACKAGE,)) -> tuple[list, list]:
    """Return (calls, imports) of a trusted reference notebook.

    `imports` are the names its cells bind from the trusted packages (`trusted_names`):
    ``(alias, module, attribute)``, attribute None for ``import module as alias``. `calls` are
    its top-level statements that call a function through one of those names, e.g.
    ``checks.check_fanout(p_slow_request)``; which of them are task checks is known only when
    the checks are imported (a check carries its task), so the kernel decides.
    """
    if not isinstance(notebook, nbformat.NotebookNode):
        raise TypeError(f"notebook must be an nbformat notebook; got {type(notebook).__name__}")
    calls, imports, bound = [], [], set()
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        source = _python_source(cell.source)
        if source is None:
            continue
        for statement in ast.parse(source).body:
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    if _trusted(alias.name, trusted_names):
                        name = alias.asname or alias.name.split(".")[0]
                        imports.append((name, alias.name, None))
                        bound.add(name)
            elif isinstance(statement, ast.ImportFrom):
                if statement.level == 0 and statement.module and _trusted(statement.module,
                                                                          trusted_names):
                    for alias in statement.names:
                        if alias.name != "*":
                            imports.append((alias.asname or alias.name, statement.module,
                                            alias.name))
                            bound.add(alias.asname or alias.name)
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
                root = statement.value.func
                while isinstance(root, ast.Attribute):
                    root = root.value
                if isinstance(root, ast.Name) and root.id in bound:
                    calls.append(CheckCall(ast.unparse(statement.value), number))
    return calls, imports


def find_reference(submission_path, notebook=None, *, folder=BOOK_EXERCISES) -> Path | None:
    """The book's trusted copy of the exercise a submission answers, or None.

    Looked up by the submission's file name in `folder` (the book's ``exercises/``), then by
    the name of the solution its metadata says it was generated from (a renamed download).
    The submission only chooses among the book's own files; it never supplies the checks.
    """
    folder = Path(folder)
    names = [Path(submission_path).name]
    if notebook is not None:
        generated_from = notebook.metadata.get("mlsys", {}).get("generated_from")
        if isinstance(generated_from, str):
            names.append(Path(generated_from).name)
    for name in names:
        candidate = folder / name
        if name.endswith(".ipynb") and candidate.is_file():
            return candidate
    return None


def load_reference(path, *, trusted_names=(TRUSTED_PACKAGE,)) -> Reference:
    """Read the trusted reference at `path` (an exercise or solution notebook of the book)."""
    path = Path(path)
    if not path.is_file() or path.suffix != ".ipynb":
        raise ValueError(f"reference must be an existing .ipynb file; got {str(path)!r}")
    notebook = nbformat.read(path, as_version=4)
    calls, imports = reference_calls(notebook, trusted_names=trusted_names)
    tasks = [{"task": str(t["task"]), "title": str(t["title"]),
              "kind": "review" if t.get("kind") == "review" else "auto"}
             for t in notebook.metadata.get("mlsys", {}).get("tasks", [])]
    return Reference(str(path), tasks, calls, imports)


# --- The code the grader sends to the kernel after the notebook's last cell -------------------

_KERNEL_SETUP = r'''
def _mlsys_grader_setup(config, user_ns):
    import ast, builtins, importlib, importlib.machinery, inspect, sys, types
    roots = config["roots"]  # {top-level name: folder that holds it}

    class PinnedFinder:
        """Find the trusted packages in the grader's folders only, never on sys.path."""
        def find_spec(self, name, path=None, target=None):
            top = name.split(".")[0]
            if top not in roots:
                return None
            if name == top:
                search = [roots[top]]
            else:
                parent = sys.modules.get(name.rpartition(".")[0])
                search = list(getattr(parent, "__path__", []) or [])
            return importlib.machinery.PathFinder.find_spec(name, search)

    notes = []
    if getattr(builtins.print, "__module__", None) != "builtins" or "print" in user_ns:
        notes.append("the notebook redefined print")
    before = {name: module for name, module in sys.modules.items()
              if name.split(".")[0] in roots}
    for name, module in sorted(before.items()):
        origin = getattr(module, "__file__", None) or ""
        if not origin.startswith(roots[name.split(".")[0]]):
            if origin.startswith(config["work"]):
                origin = origin[len(config["work"]):].lstrip("/") + " in its own folder"
            notes.append(f"the notebook imported {name} from {origin or 'somewhere else'}, "
                         "not from the book")
    for name in list(sys.modules):
        if name.split(".")[0] in roots:
            del sys.modules[name]
    sys.meta_path.insert(0, PinnedFinder())
    importlib.invalidate_caches()
    checks = importlib.import_module(config["checks_package"])
    recorded = []
    original_report = checks.report
    signature = inspect.signature(original_report)

    def recording_report(*args, **kwargs):
        try:
            recorded.append(dict(signature.bind(*args, **kwargs).arguments))
        except TypeError:
            recorded.append({"message": " ".join(map(str, args))})
        return original_report(*args, **kwargs)

    checks.report = recording_report
    checks.print = lambda *args, **kwargs: None  # verdicts are recorded, not printed

    names = {}
    for alias, module, attribute in config["imports"]:
        imported = importlib.import_module(module)
        if attribute is None:  # import a.b.c binds a; import a.b.c as x binds x
            names[alias] = sys.modules[alias] if module.startswith(alias + ".") else imported
            continue
        value = getattr(imported, attribute, None)
        if value is None or isinstance(value, types.ModuleType):
            try:
                value = importlib.import_module(f"{module}.{attribute}")
            except ImportError:
                pass
        names[alias] = value

    def from_the_book(value):
        """True when a module or function was loaded from the trusted folders."""
        if isinstance(value, types.ModuleType):
            name, origin = value.__name__, getattr(value, "__file__", None) or ""
        else:
            value = inspect.unwrap(value)
            name = getattr(value, "__module__", None) or ""
            origin = getattr(getattr(value, "__code__", None), "co_filename", "")
        top = name.split(".")[0]
        if top not in roots:
            return False
        base = roots[top] + "/" + top
        return origin == base + ".py" or origin.startswith(base + "/")

    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in roots and not from_the_book(module):
            raise ImportError(f"{name} was not imported from the book's folder")
    for alias, value in names.items():
        if (isinstance(value, types.ModuleType) or inspect.isfunction(value)) and \
                not from_the_book(value):
            raise ImportError(f"{alias} was not imported from the book's folder")

    def namespace():
        spaced = dict(user_ns)
        spaced.update(names)
        return spaced

    for name, old in sorted(before.items()):
        fresh = sys.modules.get(name)
        if fresh is None:
            continue
        for attribute, value in sorted(vars(fresh).items()):
            if fresh is checks and attribute == "report":
                value = original_report
            if not inspect.isfunction(value) or getattr(value, "__module__", None) != name:
                continue
            kept = vars(old).get(attribute)
            code = getattr(inspect.unwrap(value), "__code__", None)
            kept_code = getattr(inspect.unwrap(kept), "__code__", None) if kept else None
            if kept is None or kept_code is None or code is None or (
                    kept_code.co_filename, kept_code.co_firstlineno) != (
                    code.co_filename, code.co_firstlineno):
                notes.append(f"the notebook replaced {name}.{attribute}")

    plan = []
    for index, source in enumerate(config["calls"]):
        call = ast.parse(source, mode="eval").body
        try:
            function = eval(compile(ast.Expression(call.func), "<grader>", "eval"), namespace())
        except Exception:
            continue
        label = getattr(function, "task", None)
        if isinstance(label, tuple) and len(label) == 2:
            if not from_the_book(function):
                raise ImportError(f"the check of task {label[0]} is not the book's")
            plan.append((index, str(label[0]), str(label[1]), function, call))

    def run(position):
        index, number, title, function, call = plan[position]
        spaced = namespace()
        missing = sorted({node.id for arg in [*call.args, *[k.value for k in call.keywords]]
                          for node in ast.walk(arg) if isinstance(node, ast.Name)
                          and node.id not in spaced and not hasattr(builtins, node.id)})
        if missing:
            return ("NOT RUN", ", ".join(missing) + (" is" if len(missing) == 1 else " are")
                    + " not defined: the notebook never set it (a cell raised or was not run)")
        try:
            args = [eval(compile(ast.Expression(a), "<answer>", "eval"), spaced)
                    for a in call.args]
            kwargs = {k.arg: eval(compile(ast.Expression(k.value), "<answer>", "eval"), spaced)
                      for k in call.keywords}
        except BaseException as error:
            return ("NOT RUN", f"reading the answer raised {type(error).__name__}: {error}")
        del recorded[:]
        try:
            returned = function(*args, **kwargs)
        except BaseException as error:  # SystemExit from a learner's function, say
            return ("FAIL", f"checking the answer was stopped by {type(error).__name__}: {error}")
        detail = recorded[-1] if recorded else {}
        message = str(detail.get("message", ""))
        if detail.get("hint") and returned is not True:
            message += f" Hint: {detail['hint']}"
        if (isinstance(returned, str) and returned == "REVIEW") or any(
                isinstance(detail.get(key), str) and detail[key] == "REVIEW"
                for key in ("result", "passed")):  # a written answer, for a person to grade
            return ("REVIEW", message)
        if returned is True:
            return ("PASS", message)
        if returned is False:
            return ("FAIL", message)
        return ("FAIL", f"the check returned {type(returned).__name__}, not True or False")

    grader = types.ModuleType("_mlsys_grader_" + config["token"])
    grader.run = lambda position: repr((config["token"], position) + run(position))
    sys.modules[grader.__name__] = grader
    return repr((config["token"], [(number, title) for _, number, title, _, _ in plan], notes))
'''


def _setup_expression(config: dict) -> str:
    return ("(lambda g: (g['__builtins__']['exec'](g['source'], g), "
            "g['_mlsys_grader_setup'](g['config'], g['user_ns']))[1])("
            "{'__builtins__': __import__('builtins').__dict__, 'source': " + repr(_KERNEL_SETUP)
            + ", 'config': " + repr(config) + ", 'user_ns': globals()})")


def _run_expression(token: str, position: int) -> str:
    return f"__import__('sys').modules['_mlsys_grader_{token}'].run({position})"


# --- Running the submission -----------------------------------------------------------------

class _Kernel:
    """A kernel for one submission, started in its private folder; requests with deadlines."""

    def __init__(self, work_dir: Path, run_dir: Path, *, memory_mb, sandbox, read_only,
                 python_path=()):
        from jupyter_client import KernelManager
        from jupyter_client.kernelspec import KernelSpec

        argv = sandbox_module.kernel_argv(memory_mb=memory_mb, sandbox=sandbox,
                                          work_dir=work_dir, run_dir=run_dir,
                                          read_only=read_only, python_path=python_path)
        self.manager = KernelManager(transport="ipc", ip=str(run_dir / "kernel"),
                                     connection_file=str(run_dir / "kernel.json"))
        self.manager._kernel_spec = KernelSpec(argv=argv, display_name="grader",
                                               language="python", interrupt_mode="message")
        self.work_dir = work_dir
        self.log = run_dir / "kernel.log"
        with self.log.open("wb") as log:  # never the grader's own stdout: a kernel could forge
            self.manager.start_kernel(cwd=str(work_dir), stdout=log, stderr=log)
        self.printed = []  # what the notebook printed, kept only to flag forged verdicts
        self._printed_size = 0
        self.client = self.manager.blocking_client()
        self.client.start_channels(iopub=True, stdin=False, hb=False)
        self.client.wait_for_ready(timeout=120)

    def request(self, code: str, *, timeout_s: float, user_expressions=None,
                silent: bool = False):
        """Send `code`; return its reply's content, or "timeout", "hung" or "dead".

        Past `timeout_s` the kernel is interrupted ("timeout": it answered the interrupt and
        can go on); a kernel that does not answer the interrupt either is "hung".
        """
        msg_id = self.client.execute(code, silent=silent, store_history=not silent,
                                     user_expressions=user_expressions, allow_stdin=False,
                                     stop_on_error=False)
        deadline = time.monotonic() + timeout_s
        interrupted = False
        while True:
            self._drain_iopub()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                if not self.manager.is_alive():
                    return "dead"
                if interrupted:
                    return "hung"
                interrupted = True
                self.manager.interrupt_kernel()
                deadline = time.monotonic() + 10  # the interrupt's own grace period
                continue
            try:
                reply = self.client.get_shell_msg(timeout=min(remaining, 1.0))
            except Exception:  # queue.Empty: nothing yet
                if not self.manager.is_alive():
                    return "dead"
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                return "timeout" if interrupted else reply["content"]

    def _drain_iopub(self):
        """Throw away what the notebook printed: the grader never reads it."""
        while True:
            try:
                message = self.client.get_iopub_msg(timeout=0)
            except Exception:
                return
            if message.get("msg_type") == "stream" and self._printed_size < 2**20:
                text = str(message["content"].get("text", ""))
                self.printed.append(text)
                self._printed_size += len(text)

    def close(self):
        try:
            self.client.stop_channels()
        finally:
            self.manager.shutdown_kernel(now=True)
            self.manager.cleanup_resources()


def _first_line(text) -> str:
    lines = str(text).strip().splitlines()
    return lines[0] if lines else "no message"


def evaluate(submission_path, reference: Reference, *, timeout_s: float = 300,
             time_limit_s: float = 900, memory_mb: float = 4096, sandbox: bool = False,
             check_path=()) -> Outcome:
    """Run the submission at `submission_path` and grade it against `reference` (see module doc).

    `timeout_s` limits each cell and each task's check, `time_limit_s` the whole notebook,
    `memory_mb` the kernel's address space; `sandbox` runs the kernel under bubblewrap;
    `check_path` lists further folders of trusted check modules (beside the book's package)
    that the reference may import, as an instructor's own hidden checks.
    """
    started = time.monotonic()
    path = Path(submission_path)
    if not path.is_file() or path.suffix != ".ipynb":
        raise ValueError(f"submission_path must be an existing .ipynb file; got {str(path)!r}")
    if not isinstance(reference, Reference):
        raise TypeError(f"reference must be a Reference (see load_reference); got "
                        f"{type(reference).__name__}")
    check_number("timeout_s", timeout_s, low=0, low_open=True, unit="seconds")
    check_number("time_limit_s", time_limit_s, low=0, low_open=True, unit="seconds")
    check_number("memory_mb", memory_mb, low=0, unit="MB")
    if not isinstance(sandbox, bool):
        raise TypeError(f"sandbox must be True or False; got {sandbox!r}")
    extra = [Path(p) for p in check_path]
    for folder in extra:
        if not folder.is_dir():
            raise ValueError(f"check_path must list existing folders; got {str(folder)!r}")
    expected = [(t["task"], t["title"]) for t in reference.tasks]

    def not_run(message, problems):
        return Outcome([TaskOutcome(n, t, "NOT RUN", message) for n, t in expected], problems,
                       time.monotonic() - started)

    try:
        notebook = nbformat.read(path, as_version=4)
    except Exception as error:  # a truncated or hand-edited file: nbformat raises many kinds
        return Outcome([], [f"the file is not a readable notebook "
                            f"({type(error).__name__}: {_first_line(error)})"],
                       time.monotonic() - started)
    roots = trusted_roots(extra)
    problems = []
    with tempfile.TemporaryDirectory(prefix="mlsys-grade-") as tmp:
        work = Path(tmp) / "work"
        run = Path(tmp) / "run"
        shutil.copytree(path.parent, work, symlinks=True,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        run.mkdir()
        try:
            kernel = _Kernel(work, run, memory_mb=memory_mb, sandbox=sandbox,
                             read_only=[ROOT / TRUSTED_PACKAGE, *extra], python_path=extra)
        except Exception as error:
            log = run / "kernel.log"
            said = log.read_text(errors="replace").strip().splitlines()[-1:] if log.is_file() \
                else []
            return not_run("the kernel did not start", [
                f"the notebook could not be run ({type(error).__name__}: {_first_line(error)})"
                + (f"; the kernel said: {said[0]}" if said else "")])
        try:
            alive = True
            for number, cell in enumerate(notebook.cells, start=1):
                if cell.cell_type != "code" or not cell.source.strip():
                    continue
                left = time_limit_s - (time.monotonic() - started)
                if left <= 0:
                    problems.append(f"the notebook ran longer than {time_limit_s:g} s in all "
                                    f"and was stopped at cell {number}")
                    break
                reply = kernel.request(cell.source, timeout_s=min(timeout_s, left))
                if reply in ("timeout", "hung"):
                    lost = "" if reply == "timeout" else ", and the kernel no longer answered"
                    problems.append(f"cell {number} ran longer than {min(timeout_s, left):g} s "
                                    f"and was stopped{lost}")
                    if reply == "hung":
                        alive = False
                        break
                elif reply == "dead":
                    problems.append(f"the kernel died in cell {number} (it ran out of memory, "
                                    "or the notebook ended its own process)")
                    alive = False
                    break
                elif reply.get("status") == "error":
                    problems.append(f"cell {number} raised {reply.get('ename')}: "
                                    f"{_first_line(reply.get('evalue', ''))}")
            if not alive:
                return not_run("the kernel died before the grader could check the answers",
                               problems)
            tasks = _grade_in_kernel(kernel, reference, roots, timeout_s, problems)
            problems += _forged_verdicts("".join(kernel.printed), tasks)
        finally:
            kernel.close()
    order = [n for n, _ in expected] + [t.task for t in tasks if t.task not in dict(expected)]
    by_task = {}
    for outcome in tasks:  # a task checked by several calls passes only if all of them pass
        previous = by_task.get(outcome.task)
        if previous is None or (previous.result == "PASS" and outcome.result != "PASS"):
            by_task[outcome.task] = outcome
    titles = dict(expected)
    final = [by_task.get(n) or TaskOutcome(n, titles.get(n, ""), "NOT RUN",
                                           "the book's exercise has no check call for this task")
             for n in order]
    return Outcome(final, problems, time.monotonic() - started)


def _forged_verdicts(printed: str, tasks) -> list[str]:
    """Name the tasks the notebook printed PASS for that the grader's own check did not pass."""
    from mlsys.checks import VERDICT_PATTERN

    claimed = {m["task"] for line in printed.splitlines()
               if (m := VERDICT_PATTERN.match(line)) and m["result"] == "PASS"}
    contradicted = [t.task for t in tasks if t.task in claimed and t.result != "PASS"]
    if not contradicted:
        return []
    return [f"the notebook printed PASS for task{'s' if len(contradicted) > 1 else ''} "
            f"{', '.join(contradicted)}, which the grader's own check does not confirm "
            "(printed verdicts never count)"]


class _KernelLost(RuntimeError):
    """The kernel timed out ("timeout"), stopped answering ("hung") or died ("dead")."""

    def __init__(self, what, state):
        super().__init__(f"{what}: the kernel {'died' if state == 'dead' else 'timed out'}")
        self.state = state


def _decode(content, token: str, what: str):
    """The value of the user expression in a reply, checked to carry this grading's token."""
    if not isinstance(content, dict):
        raise _KernelLost(what, content)
    value = content.get("user_expressions", {}).get("r", {})
    if value.get("status") != "ok":
        raise RuntimeError(f"{what} raised {value.get('ename')}: "
                           f"{_first_line(value.get('evalue', ''))}")
    decoded = ast.literal_eval(ast.literal_eval(value["data"]["text/plain"]))
    if not isinstance(decoded, tuple) or decoded[0] != token:
        raise RuntimeError(f"{what}: the reply does not carry this grading's token")
    return decoded[1:]


def _grade_in_kernel(kernel, reference, roots, timeout_s, problems) -> list[TaskOutcome]:
    token = secrets.token_hex(16)
    config = {"token": token, "roots": roots, "work": str(kernel.work_dir),
              "checks_package": f"{TRUSTED_PACKAGE}.checks",
              "imports": [list(i) for i in reference.imports],
              "calls": [c.source for c in reference.calls]}
    try:
        plan, notes = _decode(kernel.request("", silent=True, timeout_s=max(timeout_s, 60),
                                         user_expressions={"r": _setup_expression(config)}),
                          token, "importing the checks afresh")
    except Exception as error:
        problems.append(f"the grader could not import the checks: {error}")
        return [TaskOutcome(t["task"], t["title"], "NOT RUN", "the checks could not be imported")
                for t in reference.tasks]
    problems += [f"{note} (the grade ignores that: the grader imports the checks afresh)"
                 for note in notes]
    outcomes = []
    for position, (number, title) in enumerate(plan):
        try:
            _, result, message = _decode(kernel.request(
                "", silent=True, timeout_s=timeout_s,
                user_expressions={"r": _run_expression(token, position)}),
                token, f"checking task {number}")
        except _KernelLost as lost:
            if lost.state == "dead":
                outcomes.append(TaskOutcome(number, title, "FAIL", (
                    "checking the answer killed the kernel (does a function of yours end the "
                    "process or exhaust the memory?)")))
            else:
                outcomes.append(TaskOutcome(number, title, "FAIL", (
                    f"checking the answer took longer than {timeout_s:g} s (does a function of "
                    "yours loop forever?)")))
            if lost.state != "timeout":
                problems.append(f"the kernel was lost while checking task {number}; the tasks "
                                "after it were not checked")
                break
            continue
        except Exception as error:
            result, message = "NOT RUN", str(error)
        outcomes.append(TaskOutcome(number, title, result, message))
    return outcomes


def to_json(outcome: Outcome) -> str:
    """The outcome as JSON (tasks, problems, seconds), for logs and the Gradescope bundle."""
    if not isinstance(outcome, Outcome):
        raise TypeError(f"outcome must be an Outcome; got {type(outcome).__name__}")
    return json.dumps({"tasks": [t.__dict__ for t in outcome.tasks],
                       "problems": outcome.problems, "seconds": outcome.seconds})
