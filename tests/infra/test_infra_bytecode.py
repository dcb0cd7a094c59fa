"""The Lambda assets ship Python 3.13 bytecode (decision 17): Lambda's /var/task and /opt are read-only, so a
module without its `.pyc` is compiled from source on every cold start."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from aws_cdk import CopyOptions, FileSystem, IgnoreMode

from omni_infra import bytecode
from omni_infra.layer import LAYER_BUILD

UNCHECKED_HASH = 0b01  # PEP 552 flags: hash-based, source not checked


@pytest.fixture(scope="module")
def magic() -> bytes:
    """What Lambda's Python 3.13 expects at the head of a .pyc."""
    code = "import importlib.util, sys; sys.stdout.buffer.write(importlib.util.MAGIC_NUMBER)"
    return subprocess.run([bytecode.lambda_python(), "-c", code], capture_output=True, check=True).stdout


def _modules_without_bytecode(root: Path, magic: bytes) -> list[str]:
    missing = []
    for source in sorted(root.rglob("*.py")):
        pyc = source.parent / "__pycache__" / f"{source.stem}.{bytecode.PYC_TAG}.pyc"
        head = pyc.read_bytes()[:8] if pyc.is_file() else b""
        if head[:4] != magic or int.from_bytes(head[4:8], "little") != UNCHECKED_HASH:
            missing.append(str(source.relative_to(root)))
    return missing


def test_the_function_asset_has_python_3_13_bytecode_for_every_module(dev, magic):
    asset = Path(dev.omni.stateless.platform.code.path)  # the one asset every function runs
    assert len(list(asset.rglob("*.py"))) > 100
    assert not _modules_without_bytecode(asset, magic)


def test_the_layer_has_python_3_13_bytecode_for_every_module(magic):
    if not bytecode.is_compiled(LAYER_BUILD / "python"):
        pytest.skip("layers/build is not built here (make layer; make test always builds it)")
    assert not _modules_without_bytecode(LAYER_BUILD / "python", magic)


def test_an_asset_keeps_the_3_13_bytecode_and_leaves_out_any_other(tmp_path):
    source = tmp_path / "source"
    (source / "pkg" / "__pycache__").mkdir(parents=True)
    for name in ("pkg/mod.py", "pkg/__pycache__/mod.cpython-313.pyc", "pkg/__pycache__/mod.cpython-311.pyc", bytecode.MARKER, f"pkg/{bytecode.MARKER}"):
        (source / name).write_text("x")
    FileSystem.copy_directory(str(source), str(tmp_path / "asset"), options=CopyOptions(exclude=bytecode.ASSET_EXCLUDE, ignore_mode=IgnoreMode.GLOB))
    kept = sorted(str(p.relative_to(tmp_path / "asset")) for p in (tmp_path / "asset").rglob("*") if p.is_file())
    assert kept == ["pkg/__pycache__/mod.cpython-313.pyc", "pkg/mod.py"]


def _run(folder: Path) -> str:
    return subprocess.run([bytecode.lambda_python(), "-c", "import answer; print(answer.VALUE)"], cwd=folder, capture_output=True, text=True, check=True).stdout.strip()


def test_a_changed_source_is_compiled_again_never_shipped_beside_its_old_bytecode(tmp_path):
    source, build = tmp_path / "functions", tmp_path / "build"
    source.mkdir()
    (source / "answer.py").write_text("VALUE = 'old'\n")
    first = bytecode.compiled_copy(source, build)
    assert bytecode.compiled_copy(source, build) == first  # unchanged sources: the same build, not compiled again

    (source / "answer.py").write_text("VALUE = 'new'\n")
    second = bytecode.compiled_copy(source, build)
    assert second != first and not first.exists()  # the old build (and its unchecked .pyc) is gone
    (second / "answer.py").write_text("VALUE = 'not the bytecode'\n")  # an unchecked .pyc answers alone: the new one
    assert _run(second) == "new"


def test_the_build_fails_saying_so_when_there_is_no_python_3_13(monkeypatch, tmp_path):
    monkeypatch.setenv("LAMBDA_PYTHON", "/usr/bin/python3")  # not 3.13: refused
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path))
    with pytest.raises(bytecode.NoLambdaPython, match="Python 3.13"):
        bytecode.lambda_python()
