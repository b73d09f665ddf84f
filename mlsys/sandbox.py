"""The command that starts a grading kernel: with a memory limit, and optionally in a sandbox.

The grader starts each submission's kernel with `kernel_argv`. Without a sandbox the kernel runs
as the grader's own user with an address-space limit (``RLIMIT_AS``). With ``sandbox=True`` it
runs inside bubblewrap (``bwrap``, Debian's package ``bubblewrap``) in new namespaces of every
kind: no network (not even the loopback it could reach the grader through: the kernel talks to
the grader over Unix sockets in a folder shared for that alone), its own process tree (it cannot
see the grader or another kernel), no capabilities, the user ``nobody``, and a file system made
of the Python installation, the book's package read-only, a private ``/tmp`` and the private copy
of this one submission's folder. Nothing else of the machine is visible: not the other
submissions, not the grader's output, not ``/etc`` (only the few files a dynamic loader and
matplotlib read).

    python -m mlsys.sandbox      # prove it on this machine: network, other files, processes
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from mlsys._validate import check_number

#: Run as the kernel's command: set the address-space limit, then become the kernel.
_LIMIT_THEN_KERNEL = (
    "import os, resource, sys\n"
    "limit = int(sys.argv[1])\n"
    "if limit:\n"
    "    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))\n"
    "if sys.argv[3]:\n"
    "    os.environ['PYTHONPATH'] = os.pathsep.join(\n"
    "        [sys.argv[3]] + [p for p in [os.environ.get('PYTHONPATH')] if p])\n"
    "os.execv(sys.executable, [sys.executable, '-m', 'ipykernel_launcher', '-f', sys.argv[2]])\n")

#: The files of /etc a Python kernel reads (shared libraries, fonts, time zone); nothing else.
_ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "fonts", "localtime", "matplotlibrc")

NOBODY = 65534


def bwrap_path() -> str | None:
    """The path of bubblewrap's ``bwrap``, or None when it is not installed."""
    return shutil.which("bwrap")


def _root_links() -> list[str]:
    """Mount /usr and recreate /bin, /lib, ... as the host has them (links into /usr, or mounts)."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in _ETC_FILES:
        path = Path("/etc") / name
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
    return args


def _python_paths() -> list[Path]:
    """The folders this Python needs: its installation, the virtual environment, site-packages."""
    paths = {Path(sys.base_prefix), Path(sys.prefix), Path(sys.executable).parent}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        paths.add(Path(sysconfig.get_paths()[key]))
    resolved = {Path(os.path.realpath(p)) for p in paths} | paths
    return sorted(p for p in resolved if p.exists() and not str(p).startswith("/usr"))


def kernel_argv(*, memory_mb: float, sandbox: bool, work_dir=None, run_dir=None,
                read_only=(), python_path=()) -> list[str]:
    """The kernel command (with ``{connection_file}`` for jupyter_client to fill in).

    `memory_mb` caps the kernel's address space (0: no cap). With `sandbox`, `work_dir` (the
    private copy of the submission's folder, writable and the working directory) and `run_dir`
    (the connection file and the kernel's sockets) are the only writable places, and
    `read_only` lists the other folders the kernel may read (the book's package).
    `python_path` lists folders the kernel's imports search first (an instructor's checks).
    """
    check_number("memory_mb", memory_mb, low=0)
    if not isinstance(sandbox, bool):
        raise TypeError(f"sandbox must be True or False; got {sandbox!r}")
    limit = str(int(memory_mb * 2**20))
    kernel = [sys.executable, "-c", _LIMIT_THEN_KERNEL, limit, "{connection_file}",
              os.pathsep.join(map(str, python_path))]
    if not sandbox:
        return kernel
    for name, folder in (("work_dir", work_dir), ("run_dir", run_dir)):
        if folder is None or not Path(folder).is_dir():
            raise ValueError(f"{name} must be an existing folder for the sandbox; got {folder!r}")
    bwrap = bwrap_path()
    if bwrap is None:
        raise RuntimeError("--sandbox needs bubblewrap: apt-get install bubblewrap")
    args = [bwrap, "--unshare-all", "--die-with-parent", "--new-session",
            "--uid", str(NOBODY), "--gid", str(NOBODY), "--cap-drop", "ALL",
            *_root_links(), "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for folder in [*_python_paths(), *map(Path, read_only)]:
        args += ["--ro-bind", str(folder), str(folder)]
    for folder in (work_dir, run_dir):
        args += ["--bind", str(folder), str(folder)]
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
           "MPLCONFIGDIR": "/tmp/matplotlib", "IPYTHONDIR": "/tmp/ipython",
           "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    args += ["--clearenv", *[part for key, value in env.items()
                             for part in ("--setenv", key, value)]]
    return args + ["--chdir", str(work_dir), "--", *kernel]


def probe(*, read_only=()) -> dict:
    """Run a probe inside the sandbox; return what it could do (network, files, processes, user).

    Raises RuntimeError when bubblewrap is missing or cannot make its namespaces here.
    """
    import tempfile

    code = ("import json, os, socket, sys\n"
            "out = {'uid': os.getuid(), 'processes': len([p for p in os.listdir('/proc') "
            "if p.isdigit()]), 'sees_outside_file': os.path.exists(sys.argv[1]),\n"
            "       'sees_etc_passwd': os.path.exists('/etc/passwd')}\n"
            "try:\n"
            "    socket.create_connection(('192.0.2.1', 80), timeout=2); out['network'] = True\n"
            "except OSError as error:\n"
            "    out['network'] = False; out['network_error'] = str(error)\n"
            "print(json.dumps(out))\n")
    with tempfile.TemporaryDirectory(prefix="mlsys-probe-") as tmp:
        work, run = Path(tmp, "work"), Path(tmp, "run")
        work.mkdir(), run.mkdir()
        outside = Path(tmp, "outside.txt")  # beside the submission's copy, not in it
        outside.write_text("another submission")
        argv = kernel_argv(memory_mb=0, sandbox=True, work_dir=work, run_dir=run,
                           read_only=read_only)
        argv = argv[:argv.index("--") + 1] + [sys.executable, "-c", code, str(outside)]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"bubblewrap could not start a sandbox here: {done.stderr.strip()}")
    import json

    return json.loads(done.stdout)


def main(argv=None) -> int:
    """``python -m mlsys.sandbox``: show what a sandboxed kernel can reach on this machine."""
    if argv:
        print("usage: python -m mlsys.sandbox", file=sys.stderr)
        return 2
    if bwrap_path() is None:
        print("bubblewrap is not installed: apt-get install bubblewrap", file=sys.stderr)
        return 1
    try:
        found = probe()
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1
    for key, value in found.items():
        print(f"{key}: {value}")
    isolated = (not found["network"] and not found["sees_outside_file"]
                and found["uid"] == NOBODY and found["processes"] <= 2)
    print("The sandbox isolates the kernel." if isolated else "The sandbox is NOT isolating.")
    return 0 if isolated else 1


if __name__ == "__main__":
    raise SystemExit(main())
