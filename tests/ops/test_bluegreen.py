"""deploy/k8s/bluegreen.py against a stand-in kubectl (no cluster can run here): the idle colour is
checked before the switch, a failed check leaves the live colour serving, and rollback works."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "k8s" / "bluegreen.py"
FAKE = Path(__file__).with_name("fake_kubectl.py")


@pytest.fixture
def cluster(tmp_path: Path) -> Path:
    state = {
        "deployments": {
            "site-blue": {"image": "web:v1", "replicas": 2, "ready": True},
            "site-green": {"image": "web:v0", "replicas": 2, "ready": True},
        },
        "selector": "blue",
        "configmap": {"active": "blue", "previous": "green"},
        "never_ready": ["web:broken"],
        "log": [],
    }
    path = tmp_path / "cluster.json"
    path.write_text(json.dumps(state))
    return path


def _deploy(cluster: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "-n",
            "learn-qa",
            "--kubectl",
            str(FAKE),
            "--pause",
            "0",
            *args,
        ],
        env={"FAKE_KUBECTL_STATE": str(cluster), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _state(cluster: Path) -> dict[str, Any]:
    return dict(json.loads(cluster.read_text()))


def test_switch_rolls_the_idle_colour_then_points_the_service(cluster: Path) -> None:
    done = _deploy(cluster, "switch", "--image", "web:v2")
    assert done.returncode == 0, done.stderr
    state = _state(cluster)
    assert state["deployments"]["site-green"]["image"] == "web:v2"
    assert state["deployments"]["site-blue"]["image"] == "web:v1"  # previous release kept
    assert state["selector"] == "green"
    assert state["configmap"] == {"active": "green", "previous": "blue"}
    verbs = [call[0] for call in state["log"]]
    assert verbs.index("rollout") < verbs.index("patch")  # checked before the switch


def test_an_idle_colour_that_never_gets_ready_is_not_switched_to(cluster: Path) -> None:
    done = _deploy(cluster, "switch", "--image", "web:broken")
    assert done.returncode == 1
    assert "blue keeps serving" in done.stderr
    state = _state(cluster)
    assert state["selector"] == "blue" and state["configmap"]["active"] == "blue"
    assert not [call for call in state["log"] if call[0] == "patch"]


def test_no_endpoints_after_the_switch_rolls_back(cluster: Path) -> None:
    state = _state(cluster)
    state["no_endpoints"] = True
    cluster.write_text(json.dumps(state))
    done = _deploy(cluster, "switch", "--image", "web:v2")
    assert done.returncode == 1 and "rolled back to blue" in done.stderr
    state = _state(cluster)
    assert state["selector"] == "blue"
    assert state["configmap"] == {"active": "blue", "previous": "green"}


def test_rollback_returns_to_the_previous_colour(cluster: Path) -> None:
    assert _deploy(cluster, "switch", "--image", "web:v2").returncode == 0
    done = _deploy(cluster, "rollback")
    assert done.returncode == 0, done.stderr
    state = _state(cluster)
    assert state["selector"] == "blue" and state["configmap"]["active"] == "blue"


def test_a_disagreeing_service_and_configmap_stop_the_deploy(cluster: Path) -> None:
    state = _state(cluster)
    state["selector"] = "green"
    cluster.write_text(json.dumps(state))
    done = _deploy(cluster, "switch", "--image", "web:v2")
    assert done.returncode == 1 and "fix by hand" in done.stderr
    assert _state(cluster)["deployments"]["site-green"]["image"] == "web:v0"


def test_dry_run_changes_nothing(cluster: Path) -> None:
    done = _deploy(cluster, "--dry-run", "switch", "--image", "web:v2")
    assert done.returncode == 0, done.stderr
    assert (
        "would run:" in done.stdout and "set image deployment/site-green site=web:v2" in done.stdout
    )
    state = _state(cluster)
    assert state["selector"] == "blue" and state["deployments"]["site-green"]["image"] == "web:v0"


def test_manifests_leave_the_colour_and_the_job_to_their_commands() -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed")
    overlay = str(ROOT / "deploy" / "k8s" / "overlays" / "qa")

    def objects(*extra: str) -> set[tuple[str, str]]:
        done = subprocess.run(
            [sys.executable, str(SCRIPT), "-n", "learn-qa", "--kubectl", kubectl, "manifests",
             "--overlay", overlay, *extra],
            capture_output=True, text=True, check=True, timeout=120,
        )  # fmt: skip
        docs = [d for d in yaml.safe_load_all(done.stdout) if d]
        return {(d["kind"], d["metadata"]["name"]) for d in docs}

    upgrade = objects()
    assert ("Deployment", "api") in upgrade and ("ScaledObject", "worker-embeddings") in upgrade
    assert not [o for o in upgrade if o[0] == "Job"]
    owned = {("Deployment", "site-blue"), ("Deployment", "site-green"), ("Service", "site")}
    assert not owned & upgrade
    assert owned <= objects("--first-install")
