"""Start the real OpenID provider of tests/oidc (node + oidc-provider) on the accounts ports.

Locally the tests skip when node or tests/oidc/node_modules is missing; under CI (``CI`` set,
where .ci/run runs ``npm ci`` in tests/oidc) they fail instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

OIDC_DIR = Path(__file__).resolve().parents[1] / "oidc"
API_AUDIENCE = "http://127.0.0.1:9163/api"
WEB_CLIENT = ("learn", "learn-test-secret")


def signing_keys(path: Path) -> str:
    """A fresh RSA key (JWKS with the private part) written to ``path``; returns its kid."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key))
    kid = uuid.uuid4().hex[:16]
    jwk.pop("key_ops", None)  # PyJWT marks private keys "sign"; a published key verifies
    jwk.update({"kid": kid, "use": "sig", "alg": "RS256"})
    path.write_text(json.dumps({"keys": [jwk]}))
    return kid


@dataclass
class RunningProvider:
    port: int
    keys_file: Path
    process: subprocess.Popen[str] | None = None
    kid: str = ""
    log: list[str] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, rotate: bool = False) -> None:
        if rotate or not self.keys_file.exists():
            self.kid = signing_keys(self.keys_file)
        env = {
            **os.environ,
            "OIDC_PORT": str(self.port),
            "OIDC_KEYS_FILE": str(self.keys_file),
            "OIDC_API_AUDIENCE": API_AUDIENCE,
            "OIDC_REDIRECT_URIS": "http://testserver/login/callback/",
            "NODE_ENV": "test",
        }
        self.process = subprocess.Popen(
            ["node", str(OIDC_DIR / "provider.mjs")],
            cwd=OIDC_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.log.append(line)
            if line.startswith("ready "):
                return
        raise RuntimeError("the OIDC provider did not start:\n" + "".join(self.log))

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def restart_with_new_keys(self) -> None:
        self.stop()
        self.start(rotate=True)


def provider_available() -> None:
    missing = None
    if shutil.which("node") is None:
        missing = "node is not installed"
    elif not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        missing = "tests/oidc/node_modules is missing (npm ci in tests/oidc)"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the OIDC provider: {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    provider_available()
    running = RunningProvider(9160, tmp_path_factory.mktemp("oidc") / "keys.json")
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def other_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningProvider]:
    provider_available()
    running = RunningProvider(9162, tmp_path_factory.mktemp("oidc-other") / "keys.json")
    running.start()
    yield running
    running.stop()
