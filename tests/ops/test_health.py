from __future__ import annotations

import pytest
from django.test import Client

from learn.config import env as env_module


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("probe", ["startup", "liveness", "readiness", "full"])
def test_probes_answer_json(probe: str, client: Client) -> None:
    response = client.get(f"/health/{probe}/")
    body = response.json()
    assert body["probe"] == probe
    assert body["checks"]["database"]["status"] == "ok"
    if probe == "full" and env_module.get_env().tasks_eager:
        assert body["checks"]["celery"] == {"status": "not configured"}
    if not env_module.get_env().redis_url and probe != "liveness":
        assert body["checks"]["redis"] == {"status": "not configured"}


@pytest.mark.django_db(transaction=True)
def test_readiness_is_503_when_redis_is_unreachable(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = env_module.get_env().model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})
    monkeypatch.setattr("learn.ops.health.get_env", lambda: broken)
    response = client.get("/health/readiness/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["redis"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db(transaction=True)
def test_startup_fails_with_unapplied_migrations(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)])
    response = client.get("/health/startup/")
    assert response.status_code == 503
    assert "learn migrate" in response.json()["checks"]["migrations"]["error"]


def test_unknown_probe_is_404(client: Client) -> None:
    assert client.get("/health/nope/").status_code == 404
