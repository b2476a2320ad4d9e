"""Secrets from ``*_FILE`` and the start-up guard against development settings in a deployment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery import signals

from learn.config.env import DEV_SECRET_KEY, LearnEnv, SettingFileError, get_env
from learn.config.production import (
    ProductionSettingsError,
    ensure_production_ready,
    production_problems,
)

GOOD_KEY = "k" * 30 + "-production-key-0123456789abcdef"
DEPLOYED = {
    "learn_debug": False,
    "database_url": "postgres://learn@db.internal:5432/learn",
    "redis_url": "redis://redis.internal:6379/0",
    "secret_key": GOOD_KEY,
    "allowed_hosts": "learn.example.edu",
    "app_base_url": "https://learn.example.edu",
}


def test_any_setting_can_come_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "key").write_text(GOOD_KEY + "\n")
    (tmp_path / "db").write_text("postgres://u:p@db/learn")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "key"))
    monkeypatch.setenv("DATABASE_URL_FILE", str(tmp_path / "db"))
    env = LearnEnv()
    assert env.secret_key == GOOD_KEY
    assert env.database_url == "postgres://u:p@db/learn"


def test_a_value_and_its_file_together_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "key").write_text(GOOD_KEY)
    monkeypatch.setenv("SECRET_KEY", "other")
    monkeypatch.setenv("SECRET_KEY_FILE", str(tmp_path / "key"))
    with pytest.raises(SettingFileError, match="SECRET_KEY or SECRET_KEY_FILE"):
        LearnEnv()


def test_an_unreadable_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POSTHOG_API_KEY", raising=False)
    monkeypatch.setenv("POSTHOG_API_KEY_FILE", str(tmp_path / "missing"))
    with pytest.raises(SettingFileError, match="POSTHOG_API_KEY_FILE: cannot read"):
        LearnEnv()


def test_a_complete_deployment_passes() -> None:
    assert production_problems(LearnEnv(**DEPLOYED)) == []


def test_every_development_setting_is_named() -> None:
    env = LearnEnv(
        **{
            **DEPLOYED,
            "secret_key": DEV_SECRET_KEY,
            "allowed_hosts": "learn.example.edu, *",
            "redis_url": None,
            "app_base_url": "http://localhost:8062",
        }
    )
    problems = production_problems(env)
    assert len(problems) == 4
    for name in ("SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "APP_BASE_URL"):
        assert any(p.startswith(name) for p in problems), (name, problems)
    with pytest.raises(ProductionSettingsError, match="LEARN_DEBUG off"):
        ensure_production_ready(env)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"secret_key": "short-key"}, "SECRET_KEY is shorter"),
        ({"allowed_hosts": " , "}, "ALLOWED_HOSTS is empty"),
        ({"allowed_hosts": "*"}, "ALLOWED_HOSTS contains a wildcard"),
    ],
)
def test_single_problems(change: dict[str, str], named: str) -> None:
    problems = production_problems(LearnEnv(**{**DEPLOYED, **change}))
    assert len(problems) == 1 and problems[0].startswith(named)


def test_debug_and_the_embedded_mode_are_not_checked() -> None:
    dev = {"secret_key": DEV_SECRET_KEY, "allowed_hosts": "*", "redis_url": None}
    assert production_problems(LearnEnv(**{**DEPLOYED, **dev, "learn_debug": True})) == []
    assert production_problems(LearnEnv(**{**DEPLOYED, **dev, "database_url": None})) == []


def _import_wsgi(**env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.endswith("_FILE")}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import learn.config.wsgi"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_wsgi_application_refuses_development_settings() -> None:
    refused = _import_wsgi(
        LEARN_DEBUG="false",
        DATABASE_URL=DEPLOYED["database_url"],
        SECRET_KEY=DEV_SECRET_KEY,
        ALLOWED_HOSTS="*",
    )
    assert refused.returncode != 0
    assert "SECRET_KEY is the development key" in refused.stderr
    assert "ALLOWED_HOSTS contains a wildcard" in refused.stderr
    started = _import_wsgi(
        LEARN_DEBUG="false",
        DATABASE_URL=DEPLOYED["database_url"],
        REDIS_URL=DEPLOYED["redis_url"],
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="learn.example.edu",
        APP_BASE_URL="https://learn.example.edu",
    )
    assert started.returncode == 0, started.stderr


def test_celery_workers_and_beat_refuse_development_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEARN_DEBUG", "false")
    monkeypatch.setenv("DATABASE_URL", DEPLOYED["database_url"])
    monkeypatch.setenv("SECRET_KEY", DEV_SECRET_KEY)
    get_env.cache_clear()
    try:
        import learn.config.celery  # noqa: F401 - connects the guard

        for signal in (signals.worker_init, signals.beat_init):
            with pytest.raises(SystemExit, match="SECRET_KEY"):
                signal.send(sender=None)
    finally:
        monkeypatch.undo()
        get_env.cache_clear()


def test_check_deploy_command_names_the_problems() -> None:
    environ = {k: v for k, v in os.environ.items() if not k.endswith("_FILE")}
    environ.update(LEARN_DEBUG="false", DATABASE_URL=DEPLOYED["database_url"], ALLOWED_HOSTS="*")
    done = subprocess.run(
        [sys.executable, "-m", "learn.cli.main", "check-deploy"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "ALLOWED_HOSTS contains a wildcard" in done.stderr
