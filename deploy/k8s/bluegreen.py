#!/usr/bin/env python3
"""Blue/green release of the Next.js site, and the migration Job that precedes an API rollout.

    bluegreen.py -n learn-production status
    bluegreen.py -n learn-production switch --image ghcr.io/learn/learn-web:v1.4.0
    bluegreen.py -n learn-production rollback
    bluegreen.py -n learn-production migrate --overlay deploy/k8s/overlays/production
    bluegreen.py -n learn-production manifests --overlay deploy/k8s/overlays/production \
        | kubectl -n learn-production apply -f -

``switch`` rolls the new image onto the idle colour, waits until every idle pod is ready (the
live colour keeps serving; nothing changes if the idle colour never gets ready), points the
Service ``site`` at it, records the change in the ConfigMap ``site-colour``, and checks that the
Service has ready endpoints; if not, it switches back. ``rollback`` points the Service back at the
previous colour (still running the previous release) after checking that it is ready.
``manifests`` prints the overlay without the migration Job and, unless ``--first-install``, without
the objects the switch owns (the two site Deployments, the Service and ConfigMap of the colour), so
applying it never moves the live colour. ``--dry-run`` prints the kubectl commands that would
change anything instead of running them.
Only ``kubectl`` is needed (``--kubectl`` or ``KUBECTL`` names another binary).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

SERVICE = "site"
CONFIGMAP = "site-colour"
CONTAINER = "site"
COLOURS = ("blue", "green")


class DeployError(RuntimeError):
    pass


@dataclass
class Kubectl:
    binary: str
    namespace: str
    dry_run: bool = False

    def run(self, *args: str, change: bool = False) -> str:
        cmd = [self.binary, "-n", self.namespace, *args]
        if change and self.dry_run:
            print("would run:", " ".join(cmd))
            return ""
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise DeployError(
                f"{' '.join(cmd)} failed: {done.stderr.strip() or done.stdout.strip()}"
            )
        return done.stdout

    def get(self, kind: str, name: str) -> dict[str, Any]:
        return dict(json.loads(self.run("get", kind, name, "-o", "json")))


def other(colour: str) -> str:
    return COLOURS[1 - COLOURS.index(colour)]


def active_colour(k: Kubectl) -> str:
    colour = k.get("configmap", CONFIGMAP)["data"]["active"]
    selector = k.get("service", SERVICE)["spec"]["selector"].get("learn/colour")
    if selector != colour:
        raise DeployError(
            f"ConfigMap {CONFIGMAP} says {colour!r} but Service {SERVICE} selects {selector!r}: "
            "fix by hand before deploying"
        )
    return str(colour)


def ready(k: Kubectl, colour: str) -> tuple[bool, str]:
    deployment = k.get("deployment", f"site-{colour}")
    wanted = deployment["spec"].get("replicas", 1)
    status = deployment.get("status", {})
    readyc, updated = status.get("readyReplicas", 0), status.get("updatedReplicas", 0)
    ok = wanted > 0 and readyc == wanted and updated == wanted
    return ok, f"site-{colour}: {readyc}/{wanted} ready, {updated} updated"


def point_service(k: Kubectl, colour: str, previous: str) -> None:
    selector = {"spec": {"selector": {"app.kubernetes.io/name": "site", "learn/colour": colour}}}
    k.run("patch", "service", SERVICE, "--type", "merge", "-p", json.dumps(selector), change=True)
    record = {"data": {"active": colour, "previous": previous}}
    k.run("patch", "configmap", CONFIGMAP, "--type", "merge", "-p", json.dumps(record), change=True)


def serving(k: Kubectl, attempts: int = 10, pause: float = 1.0) -> bool:
    """The Service has at least one ready endpoint."""
    for _ in range(attempts):
        endpoints = k.get("endpoints", SERVICE)
        if any(subset.get("addresses") for subset in endpoints.get("subsets") or []):
            return True
        time.sleep(pause)
    return False


def switch(k: Kubectl, image: str, timeout: str, pause: float) -> str:
    live = active_colour(k)
    idle = other(live)
    print(f"live: {live}; rolling {image} onto {idle}")
    k.run("set", "image", f"deployment/site-{idle}", f"{CONTAINER}={image}", change=True)
    if k.dry_run:
        point_service(k, idle, live)
        return idle
    try:
        k.run("rollout", "status", f"deployment/site-{idle}", f"--timeout={timeout}")
    except DeployError as exc:
        raise DeployError(f"{idle} did not roll out; {live} keeps serving. {exc}") from exc
    ok, detail = ready(k, idle)
    if not ok:
        raise DeployError(f"{idle} is not ready ({detail}); {live} keeps serving")
    point_service(k, idle, live)
    if not serving(k, pause=pause):
        point_service(k, live, idle)
        raise DeployError(f"no ready endpoint behind {SERVICE} on {idle}: rolled back to {live}")
    print(f"switched: {SERVICE} -> {idle} (previous {live})")
    return idle


def rollback(k: Kubectl, pause: float) -> str:
    live = active_colour(k)
    previous = other(live)
    ok, detail = ready(k, previous)
    if not ok:
        raise DeployError(f"cannot roll back: {detail}")
    point_service(k, previous, live)
    if not k.dry_run and not serving(k, pause=pause):
        point_service(k, live, previous)
        raise DeployError(f"no ready endpoint on {previous}: stayed on {live}")
    print(f"rolled back: {SERVICE} -> {previous}")
    return previous


SWITCH_OWNED = {
    ("Deployment", "site-blue"),
    ("Deployment", "site-green"),
    ("Service", SERVICE),
    ("ConfigMap", CONFIGMAP),
}


def kind_and_name(doc: str) -> tuple[str, str]:
    kind = re.search(r"(?m)^kind: *(\S+)", doc)
    name = re.search(r"(?m)^metadata:\n(?:  .*\n)*?  name: *(\S+)", doc)
    return (kind.group(1) if kind else "", name.group(1) if name else "")


def render(binary: str, overlay: str) -> list[str]:
    rendered = subprocess.run(
        [binary, "kustomize", overlay], capture_output=True, text=True, check=True
    ).stdout
    return [d.strip("\n") for d in re.split(r"(?m)^---\n", rendered) if d.strip()]


def manifests(binary: str, overlay: str, first_install: bool) -> str:
    kept = []
    for doc in render(binary, overlay):
        kind, name = kind_and_name(doc)
        if kind == "Job" or (not first_install and (kind, name) in SWITCH_OWNED):
            continue
        kept.append(doc)
    return "\n---\n".join(kept) + "\n"


def migrate(k: Kubectl, overlay: str, timeout: str) -> None:
    """Replace the migration Job with the overlay's and wait for it to complete."""
    docs = [d for d in render(k.binary, overlay) if kind_and_name(d)[0] == "Job"]
    if len(docs) != 1:
        raise DeployError(f"expected one Job in {overlay}, found {len(docs)}")
    k.run("delete", "job", "migrate", "--ignore-not-found", change=True)
    if k.dry_run:
        print("would apply the migrate Job and wait for it")
        return
    subprocess.run(
        [k.binary, "-n", k.namespace, "apply", "-f", "-"],
        input=docs[0] + "\n",
        text=True,
        check=True,
    )
    k.run("wait", "--for=condition=complete", "job/migrate", f"--timeout={timeout}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--namespace", required=True)
    parser.add_argument("--kubectl", default=os.environ.get("KUBECTL", "kubectl"))
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--timeout", default="600s")
    parser.add_argument("--pause", type=float, default=3.0, help="seconds between endpoint checks")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("status")
    sw = sub.add_parser("switch")
    sw.add_argument("--image", required=True)
    sub.add_parser("rollback")
    mig = sub.add_parser("migrate")
    mig.add_argument("--overlay", required=True)
    man = sub.add_parser("manifests")
    man.add_argument("--overlay", required=True)
    man.add_argument("--first-install", action="store_true")
    args = parser.parse_args(argv)
    k = Kubectl(args.kubectl, args.namespace, args.dry_run)
    try:
        if args.command == "status":
            live = active_colour(k)
            for colour in COLOURS:
                print(("* " if colour == live else "  ") + ready(k, colour)[1])
        elif args.command == "switch":
            switch(k, args.image, args.timeout, args.pause)
        elif args.command == "rollback":
            rollback(k, args.pause)
        elif args.command == "manifests":
            sys.stdout.write(manifests(k.binary, args.overlay, args.first_install))
        else:
            migrate(k, args.overlay, args.timeout)
    except DeployError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
