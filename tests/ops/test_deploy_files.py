"""What the deployment files promise, read from the files themselves: Dockerfiles (hadolint),
compose.yaml, and the rendered Kustomize overlays. deploy/check (run by CI) adds the schema and
policy checks and actionlint with their own tools."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILES = sorted((ROOT / "deploy" / "docker").glob("*.Dockerfile"))
OVERLAYS = ("ci", "qa", "production")


def _tool(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is missing: .ci/run installs it")
    pytest.skip(f"{name} is not installed")


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.name)
def test_dockerfiles_are_hadolint_clean(dockerfile: Path) -> None:
    done = subprocess.run([_tool("hadolint"), str(dockerfile)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_images_run_as_non_root_with_a_health_check() -> None:
    for dockerfile in DOCKERFILES:
        text = dockerfile.read_text()
        final_stage = text.split("\nFROM ")[-1]
        users = re.findall(r"(?m)^USER (\S+)", final_stage)
        assert users and users[-1].split(":")[0] not in {"0", "root"}, dockerfile.name
        assert "HEALTHCHECK" in final_stage, dockerfile.name
    for multi_stage in ("api", "web"):
        assert (ROOT / f"deploy/docker/{multi_stage}.Dockerfile").read_text().count("\nFROM ") >= 2
    assert 'ENTRYPOINT ["learn"]' in (ROOT / "deploy/docker/api.Dockerfile").read_text()


def _learn_commands() -> set[str]:
    done = subprocess.run(
        [sys.executable, "-m", "learn.cli.main", "--help"], capture_output=True, text=True
    )
    return set(re.findall(r"│ (\w[\w-]*) ", done.stdout))


@cache
def _compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "compose.yaml").read_text()))


def test_compose_has_the_production_like_stack_with_health_checks() -> None:
    services = _compose()["services"]
    wanted = {
        "postgres": "postgres:15",
        "valkey": "valkey/valkey:7.2",
        "opensearch": "opensearchproject/opensearch:3.1",
        "qdrant": "qdrant/qdrant",
        "tika": "apache/tika:2.5",
        "keycloak": "keycloak",
        "mailpit": "mailpit",
    }
    for name, image in wanted.items():
        assert image in services[name]["image"], name
        assert "healthcheck" in services[name], name
    workers = {n for n in services if n.startswith("worker-")}
    assert workers == {"worker-default", "worker-edx-content", "worker-embeddings"}
    for name in {"api", "beat", "web", "gateway", "migrate", *workers}:
        assert name in services
    commands = _learn_commands()
    for name in {"api", "beat", "migrate", *workers}:
        assert services[name]["command"][0] in commands, name
    for name in workers:
        queue = services[name]["command"][services[name]["command"].index("-Q") + 1]
        assert name == "worker-" + queue.replace("_", "-")


def test_compose_validates_with_docker_compose() -> None:
    done = subprocess.run(
        [_tool("docker-compose"), "-f", str(ROOT / "compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
        env={
            **os.environ,
            "LEARN_GATEWAY_SECRET": "check",
            "APP_BASE_URL": "https://learn.example.org",
        },
    )
    assert done.returncode == 0, done.stderr


def test_compose_needs_a_public_url_its_services_accept(monkeypatch: pytest.MonkeyPatch) -> None:
    """The compose services run with LEARN_DEBUG off: the production guard must accept their
    settings once the operator names the public URL, and compose must ask for it."""
    from learn.config.env import LearnEnv
    from learn.config.production import production_problems

    environment = dict(_compose()["x-learn-env"])
    assert str(environment["APP_BASE_URL"]).startswith("${APP_BASE_URL:?")
    environment["APP_BASE_URL"] = "https://learn.example.org"
    for name in list(os.environ):
        if name in environment or name.endswith("_FILE"):
            monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        if not name.endswith("_FILE"):
            monkeypatch.setenv(name, str(value))
    monkeypatch.setenv("SECRET_KEY", "k" * 64)  # what secrets/secret_key holds
    assert production_problems(LearnEnv()) == []
    missing = subprocess.run(
        [_tool("docker-compose"), "-f", str(ROOT / "compose.yaml"), "config", "-q"],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "APP_BASE_URL"}
        | {"LEARN_GATEWAY_SECRET": "check"},
    )
    assert missing.returncode != 0
    assert "APP_BASE_URL" in missing.stderr


@cache
def _render(overlay: str) -> tuple[dict[str, Any], ...]:
    done = subprocess.run(
        [_tool("kubectl"), "kustomize", str(ROOT / "deploy" / "k8s" / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=True,
    )
    return tuple(d for d in yaml.safe_load_all(done.stdout) if d)


def _get(overlay: str, kind: str, name: str) -> dict[str, Any]:
    (found,) = [d for d in _render(overlay) if d["kind"] == kind and d["metadata"]["name"] == name]
    return found


def _pod_specs(overlay: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (d["metadata"]["name"], d["spec"]["template"]["spec"])
        for d in _render(overlay)
        if d["kind"] in {"Deployment", "Job"}
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_api_autoscales_2_to_10_on_cpu_60_and_memory_80(overlay: str) -> None:
    hpa = _get(overlay, "HorizontalPodAutoscaler", "api")["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 10)
    targets = {
        m["resource"]["name"]: m["resource"]["target"]["averageUtilization"] for m in hpa["metrics"]
    }
    assert targets == {"cpu": 60, "memory": 80}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_workers_scale_per_queue(overlay: str) -> None:
    bounds = {"worker-default": (1, 20), "worker-edx-content": (1, 5), "worker-embeddings": (1, 30)}
    kinds = {d["kind"] for d in _render(overlay)}
    for name, (low, high) in bounds.items():
        if overlay == "ci":
            assert "ScaledObject" not in kinds
            spec = _get(overlay, "HorizontalPodAutoscaler", name)["spec"]
            assert (spec["minReplicas"], spec["maxReplicas"]) == (low, high)
        else:
            spec = _get(overlay, "ScaledObject", name)["spec"]
            assert (spec["minReplicaCount"], spec["maxReplicaCount"]) == (low, high)
            (trigger,) = spec["triggers"]
            queue = name.removeprefix("worker-").replace("-", "_")
            assert trigger["type"] == "redis" and trigger["metadata"]["listName"] == queue
            assert spec["fallback"]["replicas"] >= low
        args = _get(overlay, "Deployment", name)["spec"]["template"]["spec"]["containers"][0][
            "args"
        ]
        assert args[:3] == ["worker", "-Q", name.removeprefix("worker-").replace("-", "_")]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_beat_is_a_single_recreated_replica(overlay: str) -> None:
    beat = _get(overlay, "Deployment", "beat")["spec"]
    assert beat["replicas"] == 1 and beat["strategy"] == {"type": "Recreate"}
    assert not [
        d
        for d in _render(overlay)
        if d["kind"] == "HorizontalPodAutoscaler" and "beat" in d["metadata"]["name"]
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_api_probes_use_the_health_endpoints(overlay: str) -> None:
    container = _get(overlay, "Deployment", "api")["spec"]["template"]["spec"]["containers"][0]
    assert container["startupProbe"]["httpGet"]["path"] == "/health/startup/"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health/liveness/"
    assert container["readinessProbe"]["httpGet"]["path"] == "/health/readiness/"
    assert _get(overlay, "Job", "migrate")["spec"]["template"]["spec"]["containers"][0]["args"] == [
        "migrate"
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_is_non_root_limited_and_probed(overlay: str) -> None:
    for name, pod in _pod_specs(overlay):
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["automountServiceAccountToken"] is False, name
        for container in pod["containers"]:
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["capabilities"]["drop"] == ["ALL"], name
            assert {"cpu", "memory"} <= set(container["resources"]["limits"]), name
            assert {"cpu", "memory"} <= set(container["resources"]["requests"]), name
            if name != "migrate":
                assert "livenessProbe" in container and "readinessProbe" in container, name


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_disruption_budgets_and_network_policies(overlay: str) -> None:
    deployments = {d["metadata"]["name"] for d in _render(overlay) if d["kind"] == "Deployment"}
    budgets = {
        d["metadata"]["name"] for d in _render(overlay) if d["kind"] == "PodDisruptionBudget"
    }
    assert deployments - {"beat"} <= budgets
    deny = _get(overlay, "NetworkPolicy", "default-deny-ingress")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress"]}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_site_blue_green(overlay: str) -> None:
    colour = _get(overlay, "ConfigMap", "site-colour")["data"]["active"]
    service = _get(overlay, "Service", "site")["spec"]["selector"]
    assert service["learn/colour"] == colour
    for name in ("site-blue", "site-green"):
        labels = _get(overlay, "Deployment", name)["spec"]["template"]["metadata"]["labels"]
        assert labels["learn/colour"] == name.removeprefix("site-")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_secrets_are_files_and_vault_only_in_production(overlay: str) -> None:
    config = _get(overlay, "ConfigMap", "learn-config")["data"]
    assert config["SECRET_KEY_FILE"] and "SECRET_KEY" not in config
    assert not [d for d in _render(overlay) if d["kind"] == "Secret"]  # never in git
    for name, pod in _pod_specs(overlay):
        if name.startswith("site-"):
            continue
        annotations = _get(overlay, "Deployment" if name != "migrate" else "Job", name)["spec"][
            "template"
        ]["metadata"].get("annotations", {})
        volumes = {v["name"] for v in pod.get("volumes", [])}
        if overlay == "production":
            assert annotations["vault.hashicorp.com/agent-inject"] == "true", name
            assert "secrets" not in volumes, name
            assert config["SECRET_KEY_FILE"].startswith("/vault/secrets/")
        else:
            assert "vault.hashicorp.com/agent-inject" not in annotations, name
            assert "secrets" in volumes, name
