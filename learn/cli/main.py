"""The ``learn`` command line: thin commands over library functions.

Capability packages contribute sub-commands (``learn etl``, ``learn index``, ``learn embeddings``)
through ``SUBCOMMANDS`` below; each is a Typer app defined in that package's ``cli`` module.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from learn.config.bootstrap import setup_django

app = typer.Typer(
    name="learn",
    help="Learn: learning-resource discovery platform (catalog, ETL, search, API).",
    no_args_is_help=True,
    add_completion=False,
)
taxonomy_app = typer.Typer(
    help="Reference data: topics, departments, schools, offerors, platforms."
)
app.add_typer(taxonomy_app, name="taxonomy")

# (module, command name): each module exposes a Typer app named ``app``.
SUBCOMMANDS: list[tuple[str, str]] = [
    ("learn.etl.cli", "etl"),
    ("learn.search.cli", "index"),
    ("learn.retrieval.eval_cli", "eval"),
    ("learn.vectors.cli", "embeddings"),
    ("learn.news_events.cli", "news"),
    ("learn.accounts.cli", "users"),
    ("learn.subscriptions.cli", "digests"),
]


def _register_subcommands() -> None:
    for module_name, command in SUBCOMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue  # capability not installed yet
            raise
        app.add_typer(module.app, name=command)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


@app.command("check-deploy")
def check_deploy() -> None:
    """List the settings a deployment refuses to start with (LEARN_DEBUG off, DATABASE_URL set)."""
    from learn.config.env import get_env
    from learn.config.production import production_problems

    problems = production_problems(get_env())
    for problem in problems:
        typer.echo(f"- {problem}", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo("ready: no development settings in use (or not a deployment)")


@taxonomy_app.command("load")
def taxonomy_load(
    path: Annotated[
        str | None,
        typer.Argument(
            help="Folder or http(s) base URL holding topics.yaml, departments.json, ..."
        ),
    ] = None,
) -> None:
    """Load topics (with mappings), schools, departments, offerors and platforms. Idempotent."""
    setup_django()
    from learn.catalog.taxonomy import TaxonomyError, default_taxonomy_source, load_taxonomy

    source = path or default_taxonomy_source()
    if source is None:
        typer.echo(
            "No taxonomy found: pass a folder or URL, or put the shared folder beside the "
            "checkout (../shared/data/taxonomy).",
            err=True,
        )
        raise typer.Exit(2)
    try:
        report = load_taxonomy(source)
    except TaxonomyError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    for line in report.lines():
        typer.echo(line)


@app.command()
def serve(
    port: Annotated[int | None, typer.Option(help="Port (default LEARN_PORT or 8063)")] = None,
    host: Annotated[str, typer.Option(help="Interface to bind")] = "127.0.0.1",
    workers: Annotated[
        int | None,
        typer.Option(
            help="Granian worker processes (default LEARN_WEB_CONCURRENCY, else one per core). "
            "On the embedded vector store, several workers reach it through a vector host "
            "process this command starts and restarts (see README)"
        ),
    ] = None,
) -> None:
    """Serve the API with Granian (ASGI: request bodies are read in the event loop, with a
    deadline, so slow clients never hold Django's threads)."""
    from learn.config.env import get_env

    env = get_env()
    workers = workers or env.web_concurrency
    hosted = workers > 1 and env.vector_engine_in_use == "embedded" and not env.learn_vector_host
    bind_port = port or env.learn_port
    through = ", the embedded vector store through a vector host" if hosted else ""
    typer.echo(f"Serving the API on http://{host}:{bind_port}/api/v1/ ({workers} workers{through})")
    cmd = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "asgi",
        "--host",
        host,
        "--port",
        str(bind_port),
        "--workers",
        str(workers),
        "--no-ws",
        "--http",
        "1",
        "learn.config.asgi:application",
    ]
    sys.stdout.flush()
    if hosted:
        from learn.cli.supervise import serve_with_host
        from learn.vectors.store import set_store
        from learn.vectors.store.hosted import socket_path

        opened = set_store(None)  # `learn demo` embedded in this process: let the host open it
        if opened is not None:
            opened.close()
        status = serve_with_host(
            cmd, socket_path(env.var_dir, env.qdrant_collection_prefix), typer.echo
        )
        raise typer.Exit(status)
    # Become Granian (no child process): signals from a supervisor reach the server directly.
    os.execv(sys.executable, cmd)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def worker(
    ctx: typer.Context,
    queues: Annotated[
        str, typer.Option("-Q", "--queues", help="Comma-separated queues")
    ] = "default,edx_content,embeddings",
    concurrency: Annotated[int, typer.Option("-c", "--concurrency")] = 2,
) -> None:
    """Run a Celery worker on the given queues (needs REDIS_URL or CELERY_BROKER_URL)."""
    setup_django()
    from learn.config.celery import app as celery_app

    # On the embedded vector store, a worker on the embeddings queue refuses to start
    # (learn.vectors.tasks.refuse_embedded_store).
    argv = ["worker", "-Q", queues, "-c", str(concurrency), "--loglevel", "INFO", *ctx.args]
    celery_app.worker_main(argv)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def beat(
    ctx: typer.Context,
    show: Annotated[bool, typer.Option("--show", help="Print the schedules and exit")] = False,
) -> None:
    """Run the RedBeat scheduler (needs REDIS_URL); --show lists the schedules."""
    setup_django()
    from learn.config.celery import app as celery_app

    load_schedules()
    if show or not celery_app.conf.beat_schedule:
        if not celery_app.conf.beat_schedule:
            typer.echo("(no schedules registered)")
        for name, entry in sorted(celery_app.conf.beat_schedule.items()):
            typer.echo(
                f"{name}: {entry['task']} every {entry['schedule']} "
                f"queue={entry.get('options', {}).get('queue', 'default')}"
            )
        if show:
            return
    celery_app.start(["beat", "--loglevel", "INFO", *ctx.args])


def load_schedules() -> None:
    """Import every capability's ``schedules`` module so it registers its periodic tasks."""
    for package in (
        "learn.etl",
        "learn.search",
        "learn.vectors",
        "learn.news_events",
        "learn.subscriptions",
    ):
        try:
            importlib.import_module(f"{package}.schedules")
        except ModuleNotFoundError as exc:
            if exc.name and (package + ".schedules").startswith(exc.name):
                continue
            raise


@app.command()
def demo(
    port: Annotated[int | None, typer.Option(help="Port (default LEARN_PORT or 8063)")] = None,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Prepare only, do not serve")
    ] = False,
    embed: Annotated[
        bool,
        typer.Option(
            "--embed/--no-embed",
            help="Embed the catalog for semantic/hybrid search (about 2 min for the OCW corpus)",
        ),
    ] = True,
    replay: Annotated[
        bool,
        typer.Option(
            "--replay/--no-replay",
            help="Load every source recorded in ../shared/fixtures/sources (a local stand-in)",
        ),
    ] = True,
) -> None:
    """Everything the main job needs: migrate, load the taxonomy and a catalog, then serve."""
    setup_django()
    from learn.cli.demo import prepare_demo

    prepare_demo(echo=typer.echo, embed=embed, replay=replay)
    if not no_serve:
        serve(port=port, host="127.0.0.1")


@app.command()
def check_config() -> None:
    """Print the effective configuration (secrets hidden); exits 1 when settings conflict."""
    from learn.config.env import get_env
    from learn.vectors.store.engine import config_problems

    env = get_env()
    for key, value in sorted(env.model_dump().items()):
        shown = (
            "***" if value and any(s in key for s in ("secret", "key", "dsn", "token")) else value
        )
        typer.echo(f"{key}={shown}")
    typer.echo(f"var_dir={Path(env.var_dir)}")
    typer.echo(f"vector_engine_in_use={env.vector_engine_in_use}")
    hosted = env.vector_engine_in_use == "embedded" and env.web_concurrency > 1
    through = " (the embedded vector store through a vector host)" if hosted else ""
    typer.echo(f"web_concurrency={env.web_concurrency}{through}")
    problems = config_problems(env)
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)
    if problems:
        raise typer.Exit(1)


def main() -> None:
    _register_subcommands()
    app()


if __name__ == "__main__":
    main()
