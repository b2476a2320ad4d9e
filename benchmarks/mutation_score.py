"""Mutation score of the core modules (cosmic-ray), one JSON line per target.

Each target is one module (optionally only some of its functions) and the test files that exist
to check it. cosmic-ray writes one mutant at a time into the module on disk, runs the target's
tests in a fresh process, and restores the file; a mutant is *killed* when the tests fail (or
time out), *survived* when they pass. Only the operators in ``OPERATORS`` count: they are the
one-token slips a person makes (comparison, boolean, arithmetic, constants, loop and exception
control); bit and shift operators are left out (in these modules ``|`` is mostly a type union in
an annotation, which ``from __future__ import annotations`` never evaluates).

    .venv/bin/python benchmarks/mutation_score.py            # the fast subset (CI)
    .venv/bin/python benchmarks/mutation_score.py --full     # every target, every function
    .venv/bin/python benchmarks/mutation_score.py --only fusion,webhook_auth

The mutant is written into the checkout itself: run nothing else in the same checkout meanwhile
(and after a killed run, ``git diff learn`` shows a mutant left behind; ``git checkout`` it).
Runs are niced and serial (one test process at a time). Work files go under
``$LEARN_VAR_DIR/mutation`` (default ``var/mutation``). Exit status 1 when a target's score is
below ``--fail-under`` (default 0: report only). Tests run on whatever database the environment
names (SQLite when ``DATABASE_URL`` is unset).

Each line: ``{"target", "module", "functions", "mutants", "killed", "survived", "equivalent",
"score", "score_without_equivalent", "seconds", "survivors": [{"line", "operator", "diff"}]}``.
``score`` is killed / mutants; equivalent mutants (``EQUIVALENT`` below, each with why) count as
not killed in ``score`` and are left out of ``score_without_equivalent``.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import re
import shlex
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Target:
    module: str
    tests: tuple[str, ...]
    # Functions (``name`` or ``Class.name``) whose bodies are mutated; empty: the whole module.
    functions: tuple[str, ...] = ()
    # In the fast subset (CI): the functions mutated there; empty: as ``functions``.
    fast: bool = False
    fast_functions: tuple[str, ...] = ()
    timeout: float = 120.0
    extra: dict[str, str] = field(default_factory=dict)


TARGETS: dict[str, Target] = {
    "fusion": Target(
        "learn/retrieval/fusion.py",
        ("tests/vectors/test_vec_fusion.py",),
        fast=True,
        fast_functions=("rrf",),
    ),
    "hybrid_weight": Target(
        "learn/retrieval/hybrid.py",
        ("tests/vectors/test_vec_fusion.py",),
        functions=("lexical_weight", "lexical_confidence", "_hit_words", "_stem"),
        fast=True,
        fast_functions=("lexical_weight",),
    ),
    "loader_guard": Target(
        "learn/etl/loader.py",
        ("tests/etl/test_loader_guard.py",),
        functions=("load_resources", "_guard", "_failure_guard", "_record", "_prune", "_named_by"),
        fast=True,
        fast_functions=("_guard",),
    ),
    "webhook_auth": Target(
        "learn/etl/webhook_auth.py",
        ("tests/etl/test_webhook_auth.py",),
        fast=True,
        fast_functions=("verify_request",),
    ),
    "search_params": Target(
        "learn/retrieval/search_params.py",
        ("tests/search/test_search_params.py",),
        fast=True,
        fast_functions=("_list",),
    ),
    "vector_params": Target(
        "learn/retrieval/vector_params.py",
        ("tests/vectors/test_vector_params.py",),
        fast=True,
        fast_functions=("Reader.choices",),
    ),
    "api_params": Target(
        "learn/api/params.py",
        ("tests/api/test_api_params.py",),
        fast=True,
        fast_functions=("non_negative_int",),
    ),
    "permissions": Target(
        "learn/accounts/permissions.py",
        ("tests/api/test_accounts_permissions.py",),
        fast=True,
        fast_functions=("in_group", "is_learning_path_editor", "is_article_editor"),
    ),
    "result_set": Target(
        "learn/search/ranking.py",
        ("tests/search/test_result_set.py",),
        functions=("Ranking.page", "Ranking.trimmed", "Ranking.count"),
        timeout=300.0,
    ),
    # The window logic of the result set stayed in the Tantivy adapter (one module a target).
    "result_set_window": Target(
        "learn/search/backends/tantivy.py",
        ("tests/search/test_result_set.py",),
        functions=("TantivyBackend._ranking",),
        timeout=300.0,
    ),
    "hybrid_page": Target(
        "learn/retrieval/hybrid.py",
        ("tests/vectors/test_vec_hybrid_pages.py", "tests/vectors/test_vec_hybrid.py"),
        functions=("_fused_page", "_sources", "_merged_facet"),
        timeout=600.0,
        extra={"PYTHONPATH": "tests/api"},
    ),
}

# The one-token slips counted (cosmic-ray's operator names, as regular expressions).
OPERATORS = [
    r"core/ReplaceComparisonOperator_(Eq|NotEq|Lt|LtE|Gt|GtE)_(Eq|NotEq|Lt|LtE|Gt|GtE)",
    r"core/ReplaceComparisonOperator_(Is|IsNot|In|NotIn)_\w+",
    r"core/ReplaceBinaryOperator_(Add|Sub|Mul|Div|Pow)_(Add|Sub|Mul|Div|Pow)",
    r"core/ReplaceUnaryOperator_(USub|Not)_\w+",
    r"core/ReplaceUnaryOperator_Delete_(USub|Not)",
    r"core/(AddNot|ReplaceTrueWithFalse|ReplaceFalseWithTrue|ReplaceAndWithOr|ReplaceOrWithAnd)",
    r"core/(ReplaceBreakWithContinue|ReplaceContinueWithBreak|ZeroIterationForLoop)",
    r"core/(NumberReplacer|ExceptionReplacer)",
]

# Mutants no test can kill because the program behaves the same: (target, source line stripped,
# operator regex) -> why. They are reported, and left out of ``score_without_equivalent``.
EQUIVALENT: dict[tuple[str, str, str], str] = {
    ("fusion", "if hi - lo < 1e-12:", r"core/ReplaceComparisonOperator_Lt_LtE"): (
        "1e-12 is a tolerance for equal scores, not a boundary: scores exactly 1e-12 apart"
        " are equal for ranking either way"
    ),
    (
        "hybrid_weight",
        "return low + (high - low) * confidence**3",
        r"core/ReplaceBinaryOperator_Sub_Add",
    ): "LEXICAL_WEIGHT's low end is 0.0, so high - low == high + low",
    ("loader_guard", "if incoming == 0:", r"core/ReplaceComparisonOperator_Eq_LtE"): (
        "incoming is a count of records, never negative"
    ),
    ("loader_guard", "for start in range(0, len(stale), 500):", r"core/NumberReplacer"): (
        "step 499 with slices of 500: batches overlap, every stale row is still updated"
        " (step 501 skips a row: killed)"
    ),
    (
        "loader_guard",
        "LearningResource.objects.filter(id__in=stale[start : start + 500]).update(",
        r"core/NumberReplacer",
    ): "slices of 501 with step 500 overlap, every stale row is updated (499 skips one: killed)",
    (
        "result_set",
        "if self.rest is not None and offset + limit > len(hits):",
        r"core/ReplaceComparisonOperator_Gt_(GtE|NotEq)",
    ): "the rest follows the hits: reading it for a page that lies within them changes nothing",
    (
        "result_set_window",
        "if matched <= len(hits) or lowest * MAX_FACTOR < cut:",
        r"core/ReplaceComparisonOperator_LtE_(Eq|Lt)",
    ): (
        "matched is never below the head's length; when equal, the deep window holds no further"
        " match, so its path keeps the same set"
    ),
    (
        "result_set_window",
        "if matched <= len(hits) or lowest * MAX_FACTOR < cut:",
        r"core/ReplaceComparisonOperator_Lt_(Eq|LtE)",
    ): (
        "the early exit only saves work (without it the deep window finds no later match that"
        " passes); at equality a later match passes only by scoring the floor exactly with every"
        " boost at the head's lowest engine score"
    ),
    (
        "result_set_window",
        "if matched <= len(hits) or lowest * MAX_FACTOR < cut:",
        r"core/ReplaceOrWithAnd",
    ): "the early exit only saves work: the deep window's path keeps the same set",
    (
        "result_set_window",
        "if matched > len(deep.hits) and lowest * MAX_FACTOR >= cut:",
        r"core/ReplaceComparisonOperator_Gt_NotEq",
    ): "the deep window never holds more hits than there are matches: != is >",
    (
        "result_set",
        "return self.exact and len(self.hits) < self.matched",
        r"core/ReplaceComparisonOperator_Lt_(LtE|NotEq)",
    ): (
        "the kept hits are some of the matches (!= is <); when all are kept, the kept ids and"
        " the query select the same documents for sorting and facets (<=)"
    ),
    (
        "result_set_window",
        "if matched > len(deep.hits) and lowest * MAX_FACTOR >= cut:",
        r"core/ReplaceComparisonOperator_GtE_Gt",
    ): (
        "differs only when the deep window's lowest engine score times every boost equals the"
        " floor exactly: a match past the window would then pass only by scoring it exactly"
    ),
    (
        "hybrid_page",
        "for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))",
        r"core/ReplaceUnaryOperator_USub_Invert",
    ): (
        "the counts are ints and ~c == -c - 1: the sort key shifts by one for every value, so"
        " the order (and its ties) stays the same"
    ),
    ("hybrid_page", "if c > 0", r"core/ReplaceComparisonOperator_Gt_NotEq"): (
        "a count is an engine's doc_count plus the dense-only candidates holding the value,"
        " never negative: c != 0 is c > 0 (>= and > -1, which list zero counts, are killed)"
    ),
    (
        "hybrid_page",
        "if end > max(start, len(fused)):",
        r"core/ReplaceComparisonOperator_Gt_GtE",
    ): (
        "at equality the page ends where the fused pool ends, or is empty: the extra lexical"
        " read asks for no match (limit 0) or drops all it reads (an empty slice); only a query"
        " is wasted"
    ),
    ("search_params", 'if raw is None or raw == "":', r"core/ReplaceComparisonOperator_Eq_LtE"): (
        'for strings, raw <= "" holds exactly when raw == ""'
    ),
    ("search_params", "@dataclass(frozen=True)", r"core/ReplaceTrueWithFalse"): (
        "ListParam specs are never assigned to: frozen only guards against a future mistake"
    ),
    ("vector_params", 'if raw is None or raw == "":', r"core/ReplaceComparisonOperator_Eq_LtE"): (
        'for strings, raw <= "" holds exactly when raw == ""'
    ),
    ("webhook_auth", "*,", r"core/ReplaceBinaryOperator_Mul_Div"): (
        "cosmic-ray reads the keyword-only marker as an operator: '/' makes the parameters"
        " before it positional-only, and every caller passes them by position already"
    ),
    (
        "webhook_auth",
        "secret: str, body: bytes, delivery: str, *, timestamp: int | None = None",
        r"core/ReplaceBinaryOperator_Mul_Div",
    ): "as above: the keyword-only marker '*' becomes the positional-only marker '/'",
    ("webhook_auth", "return bool(cache.add(key, 1, timeout=seconds))", r"core/NumberReplacer"): (
        "the value stored is never read: only whether the key was new counts"
    ),
}


def _spans(path: Path, names: tuple[str, ...]) -> list[tuple[int, int]]:
    """Line spans (first, last) of the named functions (``name`` or ``Class.name``)."""
    tree = ast.parse(path.read_text())
    found: dict[str, tuple[int, int]] = {}

    def visit(nodes: list[ast.stmt], prefix: str) -> None:
        for node in nodes:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                body_start = node.body[0].lineno
                found[prefix + node.name] = (body_start, node.end_lineno or body_start)
            elif isinstance(node, ast.ClassDef):
                visit(node.body, prefix + node.name + ".")

    visit(tree.body, "")
    missing = [n for n in names if n not in found]
    if missing:
        raise SystemExit(f"{path}: no function {', '.join(missing)}")
    return [found[n] for n in names]


def _allowed(operator: str) -> bool:
    return any(re.fullmatch(pattern, operator) for pattern in OPERATORS)


def _equivalent(name: str, line: str, operator: str) -> str | None:
    for (target, text, op), why in EQUIVALENT.items():
        if target == name and text == line and re.fullmatch(op, operator):
            return why
    return None


def _tests_command(target: Target) -> str:
    # One fresh process per mutant: its start-up is most of a mutant's cost, so the plugins no
    # target's tests use (schemathesis and hypothesis import for about 3 s) stay unloaded.
    pytest = [sys.executable, "-m", "pytest", "-x", "-q", "--no-header", "--tb=no"]
    for plugin in ("cacheprovider", "schemathesis", "hypothesispytest", "anyio"):
        pytest += ["-p", f"no:{plugin}"]
    return shlex.join([*pytest, *target.tests])


def run_target(name: str, target: Target, fast: bool, work: Path) -> dict[str, object]:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    names = (target.fast_functions or target.functions) if fast else target.functions
    module = ROOT / target.module
    spans = _spans(module, names) if names else []
    source_lines = module.read_text().splitlines()
    work.mkdir(parents=True, exist_ok=True)
    config = work / f"{name}.toml"
    session = work / f"{name}.sqlite"
    session.unlink(missing_ok=True)
    config.write_text(
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(target.module)}\n"
        f"timeout = {target.timeout}\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(_tests_command(target))}\n"
        '[cosmic-ray.distributor]\nname = "local"\n'
    )
    started = time.monotonic()
    env = {**os.environ, **target.extra}
    baseline = subprocess.run(
        ["nice", "-n", "15", *shlex.split(_tests_command(target))],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if baseline.returncode != 0:
        raise SystemExit(f"{name}: the tests fail unmutated:\n{baseline.stdout[-3000:]}")
    cosmic = [sys.executable, "-m", "cosmic_ray.cli"]
    subprocess.run([*cosmic, "init", str(config), str(session)], cwd=ROOT, env=env, check=True)

    skipped: list[str] = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item in db.pending_work_items:
            mutation = item.mutations[0]
            line = mutation.start_pos[0]
            inside = not spans or any(a <= line <= b for a, b in spans)
            if not (inside and _allowed(mutation.operator_name)):
                skipped.append(item.job_id)
        db.set_multiple_results(skipped, WorkResult(worker_outcome=WorkerOutcome.SKIPPED))
    subprocess.run(
        ["nice", "-n", "15", *cosmic, "exec", str(config), str(session)],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    seconds = time.monotonic() - started

    killed = survived = equivalent = 0
    survivors: list[dict[str, object]] = []
    equivalents: list[dict[str, object]] = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome in (WorkerOutcome.SKIPPED, WorkerOutcome.NO_TEST):
                continue
            mutation = item.mutations[0]
            line = mutation.start_pos[0]
            text = source_lines[line - 1].strip()
            why = _equivalent(name, text, mutation.operator_name)
            if result.is_killed:
                killed += 1
            elif why is not None:
                equivalent += 1
                equivalents.append({"line": line, "operator": mutation.operator_name, "why": why})
            else:
                survived += 1
                diff = [
                    d
                    for d in (result.diff or "").splitlines()
                    if d.startswith(("+", "-")) and not d.startswith(("+++", "---"))
                ]
                survivors.append({"line": line, "operator": mutation.operator_name, "diff": diff})
    total = killed + survived + equivalent
    return {
        "target": name,
        "module": target.module,
        "functions": list(names),
        "mutants": total,
        "killed": killed,
        "survived": survived,
        "equivalent": equivalent,
        "score": round(100.0 * killed / total, 1) if total else None,
        "score_without_equivalent": (
            round(100.0 * killed / (total - equivalent), 1) if total - equivalent else None
        ),
        "seconds": round(seconds, 1),
        "survivors": sorted(
            survivors,
            key=lambda s: (int(s["line"]) if str(s["line"]).isdigit() else 0, str(s["line"])),
        ),
        "equivalents": equivalents,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="every target, every function")
    parser.add_argument("--only", default="", help="comma-separated target names")
    parser.add_argument("--fail-under", type=float, default=0.0, help="minimum score (percent)")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or [
        n for n, t in TARGETS.items() if args.full or t.fast
    ]
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; known: {', '.join(TARGETS)}")
    work = Path(os.environ.get("LEARN_VAR_DIR") or ROOT / "var") / "mutation"
    below = []
    for name in names:
        line = run_target(name, TARGETS[name], fast=not args.full, work=work)
        print(json.dumps(line), flush=True)
        score = line["score_without_equivalent"]
        if isinstance(score, float) and score < args.fail_under:
            below.append(name)
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
