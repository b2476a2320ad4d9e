from __future__ import annotations

import subprocess
import sys


def _learn(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "learn.cli.main", *args], capture_output=True, text=True, timeout=120
    )


def test_help_lists_every_command() -> None:
    result = _learn("--help")
    assert result.returncode == 0, result.stderr
    for command in ("serve", "worker", "beat", "migrate", "taxonomy", "demo"):
        assert command in result.stdout


def test_serve_help_documents_the_port() -> None:
    result = _learn("serve", "--help")
    assert result.returncode == 0
    assert "--port" in result.stdout
