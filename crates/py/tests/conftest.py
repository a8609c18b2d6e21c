"""Shared fixtures: the repository, the coalsim command line to compare
with, and a scratch folder."""

from __future__ import annotations

import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]


def _binary() -> pathlib.Path:
    given = os.environ.get("COALSIM_BIN")
    if given:
        return pathlib.Path(given)
    return REPO / "target" / "release" / "coalsim"


@pytest.fixture(scope="session")
def repo() -> pathlib.Path:
    return REPO


@pytest.fixture(scope="session")
def cli() -> "Cli":
    path = _binary()
    if not path.is_file():
        pytest.fail(
            f"{path}: no coalsim binary to compare with; run `cargo build --release` "
            "at the repository root, or set COALSIM_BIN"
        )
    return Cli(path)


class Cli:
    """Runs the command line; `ok` returns stdout, `fails` stderr."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.path), *args], capture_output=True, text=True, timeout=600)

    def ok(self, *args: str) -> str:
        p = self.run(*args)
        assert p.returncode == 0, f"coalsim {' '.join(args)} failed: {p.stderr}"
        return p.stdout

    def fails(self, *args: str) -> str:
        p = self.run(*args)
        assert p.returncode != 0, f"coalsim {' '.join(args)} succeeded; expected an error"
        return p.stderr
