"""Bytecode for Lambda's Python (decision 17): the assets ship `.pyc` compiled by a Python 3.13.

Lambda's /var/task and /opt are read-only, so a module shipped without a `.pyc` for the runtime's version is
compiled from source on every cold start (+0.5 s of CPU for boto3 alone). The `.pyc` are `unchecked-hash`:
asset zips keep no modification times, so timestamp `.pyc` would be stale-looking and ignored, and an unchecked
one is used without reading its source. That is safe only if a changed source is never shipped beside an old
`.pyc`: the function code is therefore compiled into a fresh folder named by the digest of its sources, and the
layer is compiled once, right after pip has installed it from scratch (`make layer`).

The Makefile runs this file as a script (standard library only, no CDK): `bytecode.py compile <folder>` compiles
a folder in place (the layer), `bytecode.py python` prints the Python 3.13 it uses.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

LAMBDA_PYTHON_VERSION = "3.13"  # omni_infra.layer.RUNTIME's
PYC_TAG = "cpython-313"
MARKER = f".compiled-{PYC_TAG}"  # written last: the folder's every module has its .pyc
# What an asset leaves out: bytecode of any other Python (a local 3.11 run may write some), caches, the marker.
ASSET_EXCLUDE = ["**/*.pyc", f"!**/*.{PYC_TAG}.pyc", "**/.pytest_cache", "**/.mypy_cache", f"**/{MARKER}"]
_SKIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", ".mypy_cache")


class NoLambdaPython(RuntimeError):
    """No Python 3.13 on this machine: the assets would ship without bytecode, slow on every cold start."""


def lambda_python() -> str:
    """`LAMBDA_PYTHON` if set, else a python3.13 on PATH, else pyenv's newest 3.13; checked to be 3.13."""
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates = [os.environ.get("LAMBDA_PYTHON"), shutil.which(f"python{LAMBDA_PYTHON_VERSION}")]
    candidates += sorted(glob.glob(f"{pyenv}/versions/{LAMBDA_PYTHON_VERSION}.*/bin/python{LAMBDA_PYTHON_VERSION}"), reverse=True)
    for candidate in filter(None, candidates):
        version = subprocess.run([candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True)
        if version.returncode == 0 and version.stdout.strip() == LAMBDA_PYTHON_VERSION:
            return candidate
    raise NoLambdaPython(
        f"no Python {LAMBDA_PYTHON_VERSION} found (LAMBDA_PYTHON, python{LAMBDA_PYTHON_VERSION} on PATH, {pyenv}/versions): "
        f"the Lambda assets need .pyc compiled by Lambda's Python {LAMBDA_PYTHON_VERSION}, or every cold start compiles "
        f"every module from source. Install one (e.g. `pyenv install {LAMBDA_PYTHON_VERSION}`) or point LAMBDA_PYTHON at it."
    )


def compile_in_place(folder: Path) -> None:
    """Every module under `folder` gets its 3.13 `.pyc` (unchecked-hash), then the marker."""
    command = [lambda_python(), "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(folder)]
    subprocess.run(command, check=True)  # -q still names a module that does not compile, and fails the build
    (folder / MARKER).touch()


def is_compiled(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def sources_digest(source: Path) -> str:
    """Digest of every file's path and content (bytecode and caches left out)."""
    digest = hashlib.sha256(LAMBDA_PYTHON_VERSION.encode())
    for path in sorted(p for p in source.rglob("*") if p.is_file() and not _skipped(p.relative_to(source))):
        digest.update(str(path.relative_to(source)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _skipped(relative: Path) -> bool:
    return relative.suffix == ".pyc" or any(part in ("__pycache__", ".pytest_cache", ".mypy_cache") for part in relative.parts)


def compiled_copy(source: Path, build: Path) -> Path:
    """`source` copied into `build/<digest of its sources>` and compiled there; reused while no source changes.

    A changed, added or removed file gives a new digest and so a new folder, compiled from scratch: no
    unchecked `.pyc` outlives its source. The folder appears whole (renamed into place) or not at all.
    """
    target = build / sources_digest(source)
    if is_compiled(target):
        return target
    build.mkdir(parents=True, exist_ok=True)
    staging = build / f".{target.name}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging, ignore=_SKIPPED)
    compile_in_place(staging)
    shutil.rmtree(target, ignore_errors=True)  # a half-built one from an interrupted run
    try:
        staging.rename(target)
    except OSError:  # another process built the same sources at the same moment: keep its folder
        shutil.rmtree(staging, ignore_errors=True)
    for old in build.iterdir():
        if old.name != target.name and not old.name.startswith("."):  # earlier sources' builds
            shutil.rmtree(old, ignore_errors=True)
    return target


if __name__ == "__main__":
    try:
        compile_in_place(Path(sys.argv[2])) if sys.argv[1] == "compile" else print(lambda_python())
    except NoLambdaPython as missing:
        sys.exit(f"error: {missing}")
