"""Compose a source's extract → transform → load, record the run, one run per source at a time.

A *source* is a module in :mod:`learn.etl.sources` (found automatically) that defines:

- ``configured(config) -> bool`` — whether its environment variables are set (else: skipped);
- ``extract(config, source) -> Iterable[raw]`` — I/O only; ``source`` overrides the configured
  location (a folder, http(s):// or s3:// URL) when the source supports it;
- ``transform(raw) -> list[ResourceRecord]`` — pure; raise :class:`TransformError` (or let a
  pydantic ``ValidationError`` escape) for an item that cannot become a record: it is skipped
  and reported, the rest loads.

Optional module attributes: ``NAME`` (default: module name), ``ETL_SOURCE`` (the catalog
``etl_source`` the loader prunes within; default ``NAME``), ``RESOURCE_TYPES`` (limit pruning to
these types), ``FULL`` (``False`` when the extract is not the complete listing: nothing is
pruned), ``QUEUE`` (Celery queue, default ``default``), ``IN_ALL`` (``False``: ``--all`` skips
it), ``item_id(raw) -> str`` (how to name a
raw item in error reports) and ``finalize(records) -> records`` (a pure pass over the whole
batch, e.g. to disambiguate ids).

Partial loads (webhooks): ``run_source(name, only=[...])`` calls the module's
``extract_only(config, source, ids)``; ``run_source(name, items=[...])`` loads raw items pushed to
us. Both are non-full loads: nothing else of the source is unpublished.

A *job* source has no records to load: it defines ``run_job(config, source, run, force)``, which
fills the :class:`EtlRun` counts itself (e.g. ``youtube_transcripts``). It gets the same lock,
Celery task, schedule and ``learn etl run`` as any source.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.utils import timezone
from pydantic import ValidationError

from learn.config.env import LearnEnv, get_env
from learn.etl.locks import SourceBusy, source_lock
from learn.etl.models import EtlRun, RunStatus
from learn.etl.records import ResourceRecord, TransformError
from learn.observability.metrics import ETL_ROW_OUTCOMES, record_etl_run

logger = logging.getLogger(__name__)

# progress(stage, done, total): stage is "extract", "transform" or "load"; total may be None.
Progress = Callable[[str, int, int | None], None]

SOURCES_PACKAGE = "learn.etl.sources"
UNNAMED = frozenset({"?", "None", "null"})  # what item_id functions answer for a nameless item


class UnknownSource(LookupError):
    pass


@dataclass(frozen=True)
class SourceSpec:
    """A registered source module and its declared options."""

    name: str
    module: ModuleType

    @property
    def etl_source(self) -> str:
        return str(getattr(self.module, "ETL_SOURCE", self.name))

    @property
    def resource_types(self) -> tuple[str, ...] | None:
        types = getattr(self.module, "RESOURCE_TYPES", None)
        return tuple(types) if types else None

    @property
    def full(self) -> bool:
        return bool(getattr(self.module, "FULL", True))

    @property
    def in_all(self) -> bool:
        """Whether ``--all`` runs it (the generated demo opts out)."""
        return bool(getattr(self.module, "IN_ALL", True))

    @property
    def queue(self) -> str:
        return str(getattr(self.module, "QUEUE", "default"))

    @property
    def description(self) -> str:
        doc = (self.module.__doc__ or "").strip()
        return doc.splitlines()[0] if doc else ""

    def configured(self, config: LearnEnv) -> bool:
        check = getattr(self.module, "configured", None)
        return bool(check(config)) if callable(check) else True

    def item_id(self, raw: Any, index: int) -> str:
        return self.item_name(raw) or f"item #{index}"

    def item_name(self, raw: Any) -> str | None:
        """The raw item's own name, or ``None`` when it has none (it cannot be identified)."""
        namer = getattr(self.module, "item_id", None)
        if callable(namer):
            try:
                name = str(namer(raw) or "")
                if name and name not in UNNAMED:
                    return name
            except Exception:  # noqa: BLE001 - naming must never fail a run
                pass
        if isinstance(raw, dict):
            for key in ("readable_id", "id", "key", "uuid", "slug", "url"):
                if raw.get(key) and isinstance(raw[key], (str, int)):
                    return str(raw[key])
        return None


def _is_source_module(module: ModuleType) -> bool:
    if callable(getattr(module, "run_job", None)):
        return True
    return all(callable(getattr(module, attr, None)) for attr in ("extract", "transform"))


_EXTRA: dict[str, ModuleType] = {}


def register_source(module: ModuleType, name: str | None = None) -> None:
    """Register a source module that lives outside :mod:`learn.etl.sources` (plugins)."""
    if not _is_source_module(module):
        raise TypeError(f"{module.__name__} has no extract/transform functions")
    _EXTRA[name or str(getattr(module, "NAME", module.__name__.rsplit(".", 1)[-1]))] = module


def unregister_source(name: str) -> None:
    _EXTRA.pop(name, None)


def registry() -> dict[str, SourceSpec]:
    """Every source module under :mod:`learn.etl.sources` (``_private`` modules excluded)."""
    package = importlib.import_module(SOURCES_PACKAGE)
    found: dict[str, SourceSpec] = {
        name: SourceSpec(name=name, module=module) for name, module in _EXTRA.items()
    }
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{SOURCES_PACKAGE}.{info.name}")
        if not _is_source_module(module):
            continue
        name = str(getattr(module, "NAME", info.name))
        found[name] = SourceSpec(name=name, module=module)
    return dict(sorted(found.items()))


def get_source(name: str) -> SourceSpec:
    sources = registry()
    if name not in sources:
        raise UnknownSource(f"unknown ETL source {name!r}; known: {', '.join(sources)}")
    return sources[name]


# ---------------------------------------------------------------- lock

__all__ = ["SourceBusy", "source_lock"]  # re-exported: the lock lives in learn.etl.locks


# ---------------------------------------------------------------- transform


@dataclass
class TransformOutcome:
    records: list[ResourceRecord]
    errors: list[dict[str, str]]
    # failed items without a name of their own: the loader cannot tell which rows they were
    unidentified: int = 0


def transform_all(
    spec: SourceSpec, raw_items: Iterable[Any], progress: Progress | None = None
) -> TransformOutcome:
    """Transform item by item; a failing item is reported and skipped, the rest go on."""
    records: list[ResourceRecord] = []
    errors: list[dict[str, str]] = []
    unidentified = 0
    items = list(raw_items)
    for index, raw in enumerate(items):
        failed_before = len(errors)
        try:
            produced = spec.module.transform(raw)
        except TransformError as exc:
            errors.append({"record": exc.item_id, "message": exc.message})
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'record'}: {err['msg']}"
                for err in exc.errors()
            )
            errors.append({"record": spec.item_id(raw, index), "message": problems})
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            errors.append(
                {"record": spec.item_id(raw, index), "message": f"{type(exc).__name__}: {exc}"}
            )
        else:
            records.extend(produced or [])
        if len(errors) > failed_before and spec.item_name(raw) is None:
            unidentified += 1
        if progress:
            progress("transform", index + 1, len(items))
    finalize = getattr(spec.module, "finalize", None)
    if callable(finalize):
        records = list(finalize(records))
    return TransformOutcome(records=records, errors=errors, unidentified=unidentified)


# ---------------------------------------------------------------- run


def mark_interrupted(name: str, current: EtlRun) -> int:
    """Runs of ``name`` still "running" while we hold its lock died (killed, host lost): mark them
    failed. Their catalog writes committed with their index queue entries, so this run converges.
    """
    return (
        EtlRun.objects.filter(source=name, status=RunStatus.running, id__lt=current.pk)
        .exclude(pk=current.pk)
        .update(
            status=RunStatus.failed,
            finished_on=timezone.now(),
            message="interrupted: the process ended before the run finished",
        )
    )


def _finish(run: EtlRun, status: str, message: str = "") -> EtlRun:
    run.status = status
    if message:
        run.message = message
    run.finished_on = timezone.now()
    run.save()
    record_etl_run(run.source, status, {name: getattr(run, name) for name in ETL_ROW_OUTCOMES})
    return run


def run_source(
    name: str,
    source: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    *,
    config: LearnEnv | None = None,
    full: bool | None = None,
    raise_network_errors: bool = False,
    only: Sequence[str] | None = None,
    items: Sequence[Any] | None = None,
) -> EtlRun:
    """Run one source end to end and return its recorded :class:`EtlRun`.

    A source without configuration (and no explicit ``source`` location) is recorded as skipped;
    extract failures (network, bad payloads) fail the run and load and unpublish nothing. With
    ``raise_network_errors`` a network failure is re-raised after being recorded (Celery retries).
    ``only`` (ids for the module's ``extract_only``) or ``items`` (raw items pushed by a webhook)
    make a partial, non-full load.
    """
    from learn.etl.loader import load_resources

    spec = get_source(name)
    env = config or get_env()
    partial = only is not None or items is not None
    if only is not None and not callable(getattr(spec.module, "extract_only", None)):
        raise UnknownSource(f"source {spec.name!r} cannot load selected items (no extract_only)")
    origin = source or (f"only: {', '.join(only)}" if only is not None else "")
    run = EtlRun.objects.create(source=spec.name, origin=origin[:2048], forced=force)
    if source is None and items is None and not spec.configured(env):
        return _finish(run, RunStatus.skipped, f"{spec.name}: not configured; skipped")
    job = getattr(spec.module, "run_job", None)
    if callable(job):
        return _run_job(spec, job, env, source, run, force, raise_network_errors)
    if partial:
        full = False
    try:
        with source_lock(spec.name):
            recheck = mark_interrupted(spec.name, run) > 0
            try:
                if items is not None:
                    raw_items: Iterable[Any] = items
                elif only is not None:
                    raw_items = spec.module.extract_only(env, source, list(only))
                else:
                    raw_items = spec.module.extract(env, source)
                items = list(raw_items)
            except Exception as exc:  # noqa: BLE001 - any extract failure fails the run
                logger.warning("etl %s: extract failed: %s", spec.name, exc)
                run.errors = [{"record": "", "message": f"extract failed: {exc}"}]
                _finish(run, RunStatus.failed, f"extract failed: {exc}")
                if raise_network_errors and is_network_error(exc):
                    raise
                return run
            run.extracted = len(items)
            if progress:
                progress("extract", len(items), len(items))
            outcome = transform_all(spec, items, progress)
            load_resources(
                outcome.records,
                spec.etl_source,
                full=spec.full if full is None else full,
                force=force,
                resource_types=spec.resource_types,
                run=run,
                skipped_errors=outcome.errors,
                unidentified_failures=outcome.unidentified,
                recheck=recheck,
                progress=progress,
            )
    except SourceBusy as exc:
        return _finish(run, RunStatus.skipped, str(exc))
    except Exception as exc:
        if run.status == RunStatus.failed:
            raise  # already recorded (a network error re-raised for a retry)  # noqa: BLE001 - record the failure, then re-raise for Celery
        run.errors = [*run.errors, {"record": "", "message": f"{type(exc).__name__}: {exc}"}]
        _finish(run, RunStatus.failed, f"load failed: {exc}")
        raise
    run.refresh_from_db()
    return run


def _run_job(
    spec: SourceSpec,
    job: Callable[..., None],
    env: LearnEnv,
    source: str | None,
    run: EtlRun,
    force: bool,
    raise_network_errors: bool,
) -> EtlRun:
    """Run a job source under the source lock; it fills ``run``'s counts and status."""
    try:
        with source_lock(spec.name):
            mark_interrupted(spec.name, run)
            job(env, source, run, force)
    except SourceBusy as exc:
        return _finish(run, RunStatus.skipped, str(exc))
    except Exception as exc:
        logger.warning("etl %s: job failed: %s", spec.name, exc)
        run.errors = [*run.errors, {"record": "", "message": f"{type(exc).__name__}: {exc}"}]
        _finish(run, RunStatus.failed, f"job failed: {exc}")
        if raise_network_errors or not is_network_error(exc):
            raise
        return run
    if run.status == RunStatus.running:
        _finish(run, RunStatus.ok)
    elif run.finished_on is None:
        _finish(run, run.status)
    run.refresh_from_db()
    return run


def is_network_error(exc: BaseException) -> bool:
    """A failure worth retrying later: transport errors, timeouts, 5xx answers."""
    from learn.etl.http import BadPayload, FetchError

    if isinstance(exc, BadPayload):
        return False
    if isinstance(exc, FetchError):
        return exc.status is None or exc.status >= 500
    import httpx

    return isinstance(exc, (httpx.TransportError, ConnectionError, TimeoutError))


def run_all(
    force: bool = False, progress: Progress | None = None, config: LearnEnv | None = None
) -> list[EtlRun]:
    """Run every registered source in turn; unconfigured ones are recorded as skipped."""
    runs = []
    for name, spec in registry().items():
        if not spec.in_all:
            continue
        try:
            runs.append(run_source(name, force=force, progress=progress, config=config))
        except Exception:  # noqa: BLE001 - one failing source must not stop the others
            logger.exception("etl %s failed", name)
            runs.append(EtlRun.objects.filter(source=name).order_by("-id").first() or EtlRun())
    return runs


def load_starter_catalog(
    progress: Progress | None = None, config: LearnEnv | None = None
) -> list[EtlRun]:
    """What ``learn demo`` loads: the OCW corpus when one is reachable, else the generated demo."""
    env = config or get_env()
    if get_source("ocw").configured(env):
        run = run_source("ocw", progress=progress, config=env)
        if run.status in (RunStatus.ok, RunStatus.partial, RunStatus.suspicious):
            return [run]
        return [run, run_source("demo", progress=progress, config=env)]
    return [run_source("demo", progress=progress, config=env)]
