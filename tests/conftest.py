from __future__ import annotations

from pathlib import Path

import pytest

from learn.config.env import get_env


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = get_env().shared_path()
    if path is None:
        pytest.fail("../shared is missing: tests read the shared fixtures where they lie")
    return path
