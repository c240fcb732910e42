"""The `mymachi` command (a Stable contract: see ARCHITECTURE.md)."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from portal.bench import bench_app
from portal.delivery.cli import digest_app, notice_app
from portal.settings import Settings

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="mymachi: a personalized news portal for municipalities.")
source_app = typer.Typer(no_args_is_help=True, help="Manage department sources.")
app.add_typer(source_app, name="source")
app.add_typer(bench_app, name="bench")
app.add_typer(notice_app, name="notice")
app.add_typer(digest_app, name="digest")
err = Console(stderr=True)


def _logging(level: str = "INFO", fmt: str = "text") -> None:
    """Logging per MYMACHI_LOG_FORMAT/LEVEL (docs/observability.md); `fmt`, `level`: defaults."""
    from portal.logs import configure_logging

    try:
        configure_logging(Settings(), default_format=fmt, default_level=level)
    except ValueError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(2) from None


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=False)


def _configured_files(settings: Settings) -> dict[str, Path | None]:
    from portal.context import CITY_FILE

    city = settings.city_path or (CITY_FILE if CITY_FILE.exists() else None)
    return {"city": city, "taxonomy": settings.taxonomy_path}


def _refuse_invalid_config(settings: Settings) -> None:
    """Exit 1 with check-config's lines when the city's files are invalid: a server that
    starts on a broken file fails later, somewhere less clear."""
    from portal.cityfiles import check_files

    problems = check_files(**_configured_files(settings))
    if problems:
        for line in problems:
            err.print(line, markup=False, highlight=False, soft_wrap=True)
        err.print("refusing to start: fix the lines above (mymachi check-config)")
        raise typer.Exit(1)


def _context(settings: Settings):  # type: ignore[no-untyped-def]
    from portal.context import AppContext
    from portal.db.session import migrate

    _refuse_invalid_config(settings)
    ctx = AppContext.build(settings)
    migrate(ctx.engine)
    return ctx


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    from portal.db.session import make_engine
    from portal.db.session import migrate as run_migrations

    run_migrations(make_engine(Settings().database_url))
    typer.echo("database is up to date")


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000,
          workers: int = typer.Option(
              1, min=1, help="Web processes sharing the port. More than one needs "
                             "MYMACHI_REDIS_URL: cache, counters and live notices are then "
                             "shared, and crawls run in `mymachi worker`.")) -> None:
    """Run the web portal (production piece; crawls in-process when no Redis is configured)."""
    import uvicorn

    from portal.app import create_app
    from portal.logs import uvicorn_options

    _logging(fmt="json")
    settings = Settings()
    # X-Forwarded-For/-Proto count only from MYMACHI_TRUSTED_PROXIES: the client address
    # (rate limits) and the https scheme (HSTS) cannot be forged by anyone else.
    options = {"host": host, "port": port, "proxy_headers": True,
               "forwarded_allow_ips": settings.trusted_proxies, **uvicorn_options()}
    if workers == 1:
        uvicorn.run(create_app(settings, _context(settings)), **options)
        return
    if not settings.redis_url:
        # In-process caches would each keep their own articles version (stale feeds), and
        # every process would run the embedded crawl scheduler.
        err.print("error: --workers above 1 needs MYMACHI_REDIS_URL (shared cache and jobs)")
        raise typer.Exit(1)
    _context(settings).close()  # migrate once, before the processes start
    uvicorn.run("portal.cli:served_app", factory=True, workers=workers, **options)


def served_app():  # type: ignore[no-untyped-def]
    """The app in each process of `serve --workers N` (spawned: logging is set up again)."""
    from portal.app import create_app
    from portal.context import AppContext

    _logging(fmt="json")
    settings = Settings()
    return create_app(settings, AppContext.build(settings))


@app.command()
def worker(burst: bool = typer.Option(False, help="Process queued jobs, then exit.")) -> None:
    """Run the job worker (arq on Redis): crawls and re-scoring."""
    from portal.metrics import start_metrics_server
    from portal.runtime.jobs import make_worker, run_worker

    _logging(fmt="json")
    settings = Settings()
    start_metrics_server(settings, "worker")  # its crawl counters are scraped here
    if burst:
        make_worker(settings, burst=True, ctx=_context(settings)).run()
    else:  # outlives Redis restarts
        import uvloop

        uvloop.run(run_worker(settings, _context(settings)))


@app.command()
def scheduler() -> None:
    """Enqueue a crawl of due sources every tick (needs Redis)."""
    from portal.metrics import start_metrics_server
    from portal.runtime.jobs import redis_settings, run_scheduler

    _logging(fmt="json")
    settings = Settings()
    redis_settings(settings)  # fail with a clear message when MYMACHI_REDIS_URL is missing
    _refuse_invalid_config(settings)
    start_metrics_server(settings, "scheduler")
    asyncio.run(run_scheduler(settings))


@app.command("create-editor")
def create_editor_cmd(
    username: Annotated[str, typer.Option(prompt=True)],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                          confirmation_prompt=True)],
    role: str = "editor",
) -> None:
    """Create an editor account (roles: admin, editor, viewer)."""
    from portal.db.session import session_scope
    from portal.editorial.editors import EditorError, create_editor

    ctx = _context(Settings())
    try:
        with session_scope(ctx.sessions) as session:
            create_editor(session, username, password, role)
    except EditorError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(1) from None
    typer.echo(f"editor {username!r} created ({role})")


@source_app.command("add")
def source_add(
    url: str,
    department: Annotated[str, typer.Option(help="Department name shown to residents")] = "",
    kind: str = "auto",
) -> None:
    """Add a source (feed, sitemap or list page)."""
    from portal.cityfiles import SOURCE_KINDS
    from portal.db.session import session_scope
    from portal.ingest.sources import add_source

    if not url.startswith(("http://", "https://")):
        err.print("error: the URL must start with http:// or https://")
        raise typer.Exit(1)
    if kind not in SOURCE_KINDS:
        err.print(f"error: --kind must be one of {', '.join(SOURCE_KINDS)}")
        raise typer.Exit(1)
    ctx = _context(Settings())
    with session_scope(ctx.sessions) as session:
        source = add_source(session, url, department or url, kind=kind)
        typer.echo(f"source {source.id}: {url}")


@source_app.command("import")
def source_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False,
                                         help="TOML with [[source]] entries")],
) -> None:
    """Add or update the sources listed in a city's sources file
    (see config/sources.example.toml)."""
    from portal.db.session import session_scope
    from portal.ingest.sources import SourcesFileError, import_sources, load_sources_file

    try:
        configs = load_sources_file(file)
    except SourcesFileError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(1) from None
    ctx = _context(Settings())
    with session_scope(ctx.sessions) as session:
        added, updated = import_sources(session, configs)
    typer.echo(f"{added} sources added, {updated} updated ({len(configs)} in {file.name})")


@app.command()
def crawl(force: bool = typer.Option(False, help="Crawl every source, due or not.")) -> None:
    """Crawl every due source now and exit."""
    from portal.ingest.crawl import crawl_sources

    _logging("WARNING")
    ctx = _context(Settings())
    with _progress() as progress:
        task = progress.add_task("crawling", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        import uvloop

        try:
            report = uvloop.run(crawl_sources(ctx, force=force, on_progress=advance))
        finally:
            ctx.close()  # the crawl pool's processes, if settings asked for them
    typer.echo(f"{report.sources} sources, {report.new_articles} new articles, "
               f"{report.updated_articles} updated, {report.not_modified} unchanged, "
               f"{report.failed} failed")
    for url, error in report.errors.items():
        typer.echo(f"  {url}: {error}")


@app.command()
def fetch(url: str, as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Fetch and parse one feed or page as the crawler would."""
    from crawlers import fetch_url, record_to_dict
    from portal.ingest.fetcher import make_fetcher

    logging.disable(logging.CRITICAL)  # the answer or one line of error, nothing else

    async def run():  # type: ignore[no-untyped-def]
        async with make_fetcher(Settings()) as fetcher:
            return await fetch_url(url, fetcher)

    try:
        outcome = asyncio.run(run())
    except Exception as exc:  # never a traceback
        typer.echo(f"error: {type(exc).__name__}: {exc}".replace("\n", " "), err=True)
        raise typer.Exit(1) from None
    if outcome.error is not None:
        typer.echo(f"error: {outcome.error}".replace("\n", " "), err=True)
        raise typer.Exit(1)
    records = [record_to_dict(r) for r in outcome.records]
    if as_json:
        typer.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    for record in outcome.records:
        date = record.published.isoformat() if record.published else "-"
        typer.echo(f"{date}  [{record.department}] {record.title}\n    {record.url}")
    typer.echo(f"{len(records)} records")


@app.command("eval")
def eval_cmd(
    corpus: Annotated[Path, typer.Option(exists=True, dir_okay=False)],
    taxonomy: Annotated[Path, typer.Option(exists=True, dir_okay=False)],
    pool_size: int = 100,
    profiles: int = 300,
    labeled_per_category: int = 0,
    seed: int = 0,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (per K)."),
    learning_curve: bool = typer.Option(
        False, "--learning-curve", help="Run at K = 0, 5, 10, 20, 50 labels per category."),
    active: bool = typer.Option(
        False, "--active", help="Labels chosen by the active-learning queue, not at random."),
) -> None:
    """Evaluate the recommender against baselines on a labeled corpus."""
    from recommender.evaluate import LEARNING_CURVE_KS, run_eval

    ks = LEARNING_CURVE_KS if learning_curve else (labeled_per_category,)
    results = []
    with _progress() as progress:
        task = progress.add_task("simulated residents", total=profiles * len(ks))
        for step, k in enumerate(ks):

            def advance(done: int, total: int, step: int = step) -> None:
                progress.update(task, completed=step * profiles + done)

            try:
                result = run_eval(corpus, taxonomy, pool_size=pool_size, profiles=profiles,
                                  labeled_per_category=k, seed=seed, progress=advance,
                                  active=active)
            except (ValueError, KeyError, OSError) as exc:
                err.print(f"error: {exc}")
                raise typer.Exit(1) from None
            if as_json:  # one line per K as soon as it is known (progress is on stderr)
                typer.echo(json.dumps(result, ensure_ascii=False))
            results.append(result)
    if as_json:
        return
    metrics = ["ndcg@10", "p@10", "mrr", "coverage", "ild"]
    for result in results:
        labels = f", K={result['k']} {result['labels']}" if result["k"] else ""
        table = Table(title=f"{result['n_articles']} articles, {result['n_profiles']} residents,"
                            f" pool {result['pool_size']}{labels}")
        table.add_column("system")
        for metric in metrics:
            table.add_column(metric, justify="right")
        for name, values in result["systems"].items():
            table.add_row(name, *(f"{values[m]:.3f}" for m in metrics))
        Console().print(table)


@app.command()
def demo(port: int = 8000, city_port: int = typer.Option(8100, help="Port of the demo city")
         ) -> None:
    """Serve the bundled demo city, crawl it, and start the portal: nothing else needed."""
    from portal.demo import run_demo

    _logging()
    _refuse_invalid_config(Settings())
    run_demo(port=port, city_port=city_port)


@app.command("check-config")
def check_config(
    city: Annotated[Path | None, typer.Option(help="City file (default: MYMACHI_CITY_PATH, "
                                                   "else ./mymachi-city.toml if present).")] = None,
    sources: Annotated[Path | None, typer.Option(help="Sources file to check too.")] = None,
    taxonomy: Annotated[Path | None, typer.Option(help="Taxonomy file (default: "
                                                       "MYMACHI_TAXONOMY_PATH).")] = None,
) -> None:
    """Validate the city's files: exit 0 when valid, else one line per problem (file, entry,
    field) and exit 1."""
    from portal.cityfiles import check_files

    configured = _configured_files(Settings())
    files = {"city": city or configured["city"], "sources": sources,
             "taxonomy": taxonomy or configured["taxonomy"]}
    problems = check_files(**files)
    for line in problems:
        typer.echo(line)
    if problems:
        raise typer.Exit(1)
    checked = [f"{kind} {path}" for kind, path in files.items() if path is not None]
    typer.echo(f"valid: {', '.join(checked)}")


def main() -> None:  # pragma: no cover
    sys.exit(app())
