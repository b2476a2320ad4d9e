#!/usr/bin/env python3
"""A stand-in for kubectl against a cluster (none can run here): the state of the site's blue/green
objects lives in the JSON file named by FAKE_KUBECTL_STATE and every call is appended to its log.

State: {"deployments": {name: {"image", "replicas", "ready"}}, "selector": colour,
"configmap": {...}, "never_ready": [images], "no_endpoints": bool, "log": [...]}.
"""

import json
import os
import sys

path = os.environ["FAKE_KUBECTL_STATE"]
with open(path) as f:
    state = json.load(f)
args = sys.argv[1:]
if args[:1] == ["-n"]:
    args = args[2:]
state["log"].append(args)


def save() -> None:
    with open(path, "w") as f:
        json.dump(state, f)


def out(obj: object) -> None:
    save()
    print(json.dumps(obj))
    sys.exit(0)


def fail(message: str) -> None:
    save()
    print(message, file=sys.stderr)
    sys.exit(1)


verb = args[0]
if verb == "get":
    kind, name = args[1], args[2]
    if kind == "configmap":
        out({"data": state["configmap"]})
    if kind == "service":
        out(
            {
                "spec": {
                    "selector": {
                        "app.kubernetes.io/name": "site",
                        "learn/colour": state["selector"],
                    }
                }
            }
        )
    if kind == "deployment":
        d = state["deployments"][name]
        n = d["replicas"] if d["ready"] else 0
        out(
            {
                "spec": {"replicas": d["replicas"]},
                "status": {"readyReplicas": n, "updatedReplicas": n},
            }
        )
    if kind == "endpoints":
        d = state["deployments"][f"site-{state['selector']}"]
        has = d["ready"] and not state.get("no_endpoints")
        out({"subsets": [{"addresses": [{"ip": "10.0.0.1"}]}] if has else []})
if verb == "set":
    name = args[2].split("/")[1]
    image = args[3].split("=", 1)[1]
    state["deployments"][name]["image"] = image
    state["deployments"][name]["ready"] = image not in state.get("never_ready", [])
    out({})
if verb == "rollout":
    name = args[2].split("/")[1]
    if not state["deployments"][name]["ready"]:
        fail(f'error: deployment "{name}" exceeded its progress deadline')
    out({})
if verb == "patch":
    body = json.loads(args[args.index("-p") + 1])
    if args[1] == "service":
        state["selector"] = body["spec"]["selector"]["learn/colour"]
    else:
        state["configmap"].update(body["data"])
    out({})
fail(f"fake kubectl: unsupported {args}")
