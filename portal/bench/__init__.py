"""`mymachi bench …`: the benchmarks behind docs/benchmarks.md (numbers, never timed tests).

Each benchmark lives in its own module here and registers one command on `bench_app`.
"""

from __future__ import annotations

import typer

bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks (see docs/benchmarks.md).")


@bench_app.command("crawl")
def crawl(
    sources: int = typer.Option(1000, help="Sources (feeds) served on localhost."),
    hosts: int = typer.Option(50, help="Department sites (one port each) they are spread over."),
    items: int = typer.Option(5, help="Items per feed in the first cycle."),
    new_share: float = typer.Option(0.1, help="Share of sources with new items, steady cycle."),
    new_items: int = typer.Option(3, help="New items each of those publishes."),
    burst_share: float = typer.Option(0.5, help="Share of sources with new items, burst."),
    burst_items: int = typer.Option(10, help="New items each of those publishes, burst."),
    database_url: str = typer.Option("", help="SQL database (default: a new SQLite file)."),
    workers: int = typer.Option(
        0, help="Processes for parsing, extraction and labelling, as a worker with "
                "MYMACHI_CRAWL_PROCESSES (0: one per CPU; 1: threads, as embedded mode)."),
    scoring: bool = typer.Option(True, help="Score categories at ingest (as production does)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Crawl cycles over 1,000 local sources: first (cold), steady (mostly 304), burst
    (many new articles: the ingest rate), idle (all 304)."""
    import json
    import os

    from rich.console import Console
    from rich.table import Table

    from portal.bench.crawl import run

    result = run(sources=sources, hosts=hosts, items=items, new_share=new_share,
                 new_items=new_items, burst_share=burst_share, burst_items=burst_items,
                 database_url=database_url or None, workers=workers or (os.cpu_count() or 1),
                 scoring=scoring, console=Console(stderr=True))
    # A benchmark that cannot fail is no benchmark: a cycle with failed sources measured
    # something else than the crawl (the numbers are still printed, to see which).
    failed = sum(row["failed"] for row in result["phases"].values())
    if as_json:
        typer.echo(json.dumps(result))
        if failed:
            raise typer.Exit(1)
        return
    extraction = (f"{result['workers']} extraction processes" if result["workers"] > 1
                  else "extraction in threads")
    table = Table(title=f"{sources} sources on {hosts} sites, {result['database']}, "
                        f"{extraction}" + ("" if scoring else ", without scoring"))
    for column in ("cycle", "seconds", "crawler CPU s", "304", "failed", "new articles",
                   "articles/s"):
        table.add_column(column, justify="right")
    for name, row in result["phases"].items():
        table.add_row(name, str(row["seconds"]), str(row["crawler_cpu_seconds"]),
                      str(row["not_modified"]), str(row["failed"]), str(row["new_articles"]),
                      str(row["articles_per_s"]))
    Console().print(table)
    if failed:
        typer.echo(f"{failed} source crawls failed", err=True)
        raise typer.Exit(1)


@bench_app.command("notices")
def notices(
    connections: int = typer.Option(1000, help="Open resident pages (SSE streams)."),
    rounds: int = typer.Option(5, help="Notices published, one after another."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Publish → visible on every open page: p50/p99 latency over N connections."""
    import json

    from rich.console import Console

    from portal.bench.notices import run

    try:
        result = run(connections, rounds, Console(stderr=True))
    except RuntimeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(result))
        return
    for key, value in result.items():
        shown = f"{value:.1f}" if isinstance(value, float) else value
        typer.echo(f"{key:>12}: {shown}")


@bench_app.command("web")
def web(
    articles: int = typer.Option(100_000, help="Articles in the store."),
    connections: int = typer.Option(64, help="Concurrent keep-alive connections."),
    duration: float = typer.Option(
        2.0, help="Seconds per timed phase (constant/jinja/warm) and round."),
    cold_profiles: int = typer.Option(1000, help="First visits measured in the cold phase."),
    rounds: int = typer.Option(3, min=1, help="Times each phase runs, in turn with the others."),
    use_wrk: bool = typer.Option(True, "--wrk/--no-wrk",
                                 help="Load from wrk when installed (else from Python)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """req/s and p50/p99 of the portal's routes beside a bare FastAPI route (same run)."""
    import json

    from rich.console import Console
    from rich.table import Table

    from portal.bench.web import run

    console = Console(stderr=True)
    result = run(articles=articles, connections=connections, duration=duration,
                 cold_profiles=cold_profiles, rounds=rounds, console=console, use_wrk=use_wrk)
    if as_json:
        typer.echo(json.dumps(result))
        return
    table = Table(title=f"GET, {connections} connections, {articles:,} articles "
                        f"({result['cache']} cache, load from {result['loader']})")
    for column in ("phase", "requests", "req/s", "× bare", "p50 ms", "p99 ms", "errors"):
        table.add_column(column, justify="right")
    for name, row in result["phases"].items():
        table.add_row(name, str(row["requests"]), str(row["rps"]),
                      str(result["vs_bare"].get(name, 1.0)), str(row["p50_ms"]),
                      str(row["p99_ms"]), str(row["errors"]))
    Console().print(table)
    typer.echo(f"warm / bare Jinja2: {result['warm_vs_jinja']}×   "
               f"cold / bare Jinja2: {result['cold_vs_jinja']}×")


@bench_app.command("rank")
def rank(
    sizes: str = typer.Option("10000,100000", help="Candidate set sizes, comma-separated."),
    profiles: int = typer.Option(300, help="Profiles ranked per size."),
    refit_size: int = typer.Option(100_000, help="Articles of the timed refit (0: skip)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Rank one profile over 10k and 100k candidates (p50/p99, bytes/article); articles/s;
    a scorer refit (CategoryScorer.fit) at 100k articles, without and with labels."""
    import json

    from rich.console import Console
    from rich.table import Table

    from portal.bench.rank import run

    result = run([int(s) for s in sizes.split(",") if s.strip()], profiles,
                 Console(stderr=True), refit_size=refit_size)
    if as_json:
        typer.echo(json.dumps(result))
        return
    table = Table(title=f"rank_feed, one profile, page of {result['page']}")
    for column in ("candidates", "p50 ms", "p99 ms", "first ms", "bytes/article",
                   "allocated/article", "build s"):
        table.add_column(column, justify="right")
    for n, row in result["rank"].items():
        table.add_row(f"{int(n):,}", str(row["p50_ms"]), str(row["p99_ms"]),
                      str(row["first_rank_ms"]), str(row["bytes_per_article"]),
                      str(row["allocated_per_article"]), str(row["build_s"]))
    Console().print(table)
    typer.echo(f"scoring new articles: {result['score_articles_per_s']} articles/s")
    refit = result["refit"]
    if refit:
        typer.echo(f"refit at {refit['articles']:,} articles: zero-shot {refit['zero_shot_s']} s"
                   f" (CPU {refit['zero_shot_cpu_s']} s), with {refit['n_labeled']} labels "
                   f"{refit['labeled_s']} s (CPU {refit['labeled_cpu_s']} s)")


@bench_app.command("deliver")
def deliver(
    subscribers: int = typer.Option(10000, help="Email subscribers in the emergency's scope."),
    articles: int = typer.Option(100000, help="Articles the digests rank over."),
    digest_profiles: int = typer.Option(1000, help="Residents whose digest is built."),
    connections: int = typer.Option(4, help="SMTP connections (MYMACHI_DELIVERY_CONNECTIONS)."),
    database_url: str = typer.Option("", help="SQL database (default: a new SQLite file)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """One emergency to N subscribers through a local SMTP server (aiosmtpd), then digests
    built (rank + render) per second at `articles` articles."""
    import json

    from portal.bench.deliver import run

    try:
        result = run(subscribers=subscribers, articles=articles,
                     digest_profiles=digest_profiles, connections=connections,
                     database_url=database_url or None)
    except RuntimeError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(result) if as_json else
               "\n".join(f"{key}: {value}" for key, value in result.items()))


@bench_app.command("search")
def search(
    articles: int = typer.Option(100_000, help="Articles stored and indexed."),
    repeats: int = typer.Option(20, help="Times each query runs."),
    database_url: str = typer.Option("", help="An empty SQL database (default: a new SQLite "
                                              "file in a temporary folder)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Search latency (p50/p95 ms per query, one page) over N articles."""
    import json
    import tempfile

    from rich.console import Console
    from rich.table import Table

    from portal.bench.search import run

    with tempfile.TemporaryDirectory() as folder:
        url = database_url or f"sqlite:///{folder}/bench-search.sqlite3"
        result = run(articles=articles, repeats=repeats, database_url=url,
                     console=Console(stderr=True))
    if as_json:
        typer.echo(json.dumps(result))
        return
    table = Table(title=f"search over {articles} articles, {result['database']}")
    for column in ("queries", "n", "p50 ms", "p95 ms", "mean results"):
        table.add_column(column, justify="right")
    for name, row in result["groups"].items():
        table.add_row(name, str(row["queries"]), str(row["p50_ms"]), str(row["p95_ms"]),
                      str(row["mean_results"]))
    Console().print(table)


@bench_app.command("load")
def bench_load(
    seconds: float = typer.Option(20.0, help="How long residents read (the bound in time)."),
    connections: int = typer.Option(32, help="Concurrent keep-alive connections."),
    profiles: int = typer.Option(200, help="Residents (profiles) the readers are."),
    notice_every: float = typer.Option(2.0, help="Seconds between an editor's notices."),
    database_url: str = typer.Option("", help="An empty SQL database (default: SQLite)."),
    redis_url: str = typer.Option("", help="Redis: crawl through `mymachi worker` (default: "
                                           "in-process cache, `mymachi crawl`)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Residents read feeds while the demo city is crawled and notices are published:
    requests, errors, req/s, p50/p99. Exits 1 if any request failed."""
    import json

    from rich.console import Console
    from rich.table import Table

    from portal.bench.load import run

    err = Console(stderr=True)

    try:
        result = run(seconds=seconds, connections=connections, profiles=profiles,
                     notice_every=notice_every, database_url=database_url or None,
                     redis_url=redis_url or None, console=err)
    except RuntimeError as exc:
        err.print(f"error: {exc}")
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(result))
    else:
        table = Table(title=f"{connections} connections, {profiles} residents, "
                            f"{result['database']} + {result['cache']} cache")
        for column in ("seconds", "requests", "errors", "req/s", "p50 ms", "p99 ms",
                       "notices", "articles crawled"):
            table.add_column(column, justify="right")
        table.add_row(str(result["seconds"]), str(result["requests"]), str(result["errors"]),
                      str(result["rps"]), str(result["p50_ms"]), str(result["p99_ms"]),
                      str(result["notices_published"]), str(result["articles_crawled"]))
        Console().print(table)
        if result["errors"]:
            typer.echo(f"errors: {result['error_kinds']} (logs in {result['workdir']})")
    if result["errors"]:
        raise typer.Exit(1)
