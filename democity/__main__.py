"""`python -m democity [--port 8100] [--anchor YYYY-MM-DD]` serves the demo city;
`python -m democity corpus out.jsonl` writes the evaluation corpus."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date

from democity.corpus import write_corpus
from democity.server import start_demo_city


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m democity",
                                description="Serve the bundled demo city (若葉野市) on localhost.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8100, help="0 picks a free port")
    p.add_argument("--anchor", type=date.fromisoformat, default=None,
                   help="date the content is relative to (default: today in Asia/Tokyo)")
    p.add_argument("--delay", type=float, default=0.0,
                   help="seconds each page and feed takes to answer (a slow site)")
    sub = p.add_subparsers(dest="command")
    c = sub.add_parser("corpus", help="write the articles as an evaluation corpus (JSONL)")
    c.add_argument("out", help="output .jsonl path")
    c.add_argument("--anchor", type=date.fromisoformat, default=None, dest="corpus_anchor")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "corpus":
        n = write_corpus(args.out, anchor=args.corpus_anchor or args.anchor)
        print(f"wrote {n} articles to {args.out}")
        return 0
    try:
        city = start_demo_city(args.host, args.port, args.anchor, delay=args.delay)
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"demo city 若葉野市 at {city.base_url}/ ({len(city.articles)} articles, "
          f"anchor {city.anchor})", flush=True)
    for s in city.sources:
        print(f"  {s['kind']:<5} {s['department']:<10} {s['url']}")
    print("failure endpoints: /broken/500 /broken/garbage /broken/slow?seconds=5 /broken/404",
          flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        city.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
