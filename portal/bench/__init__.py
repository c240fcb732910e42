"""`mymachi bench …`: the benchmarks behind docs/benchmarks.md (numbers, never timed tests).

Each benchmark lives in its own module here and registers one command on `bench_app`.
"""

from __future__ import annotations

import typer

bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks (see docs/benchmarks.md).")
