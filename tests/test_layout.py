"""The layout ARCHITECTURE.md describes, kept true: libraries free of the web and storage,
portal/ by domain, and no source file so long that it is asking to be split."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = ("crawlers", "recommender")
FORBIDDEN_IN_LIBRARIES = ("portal", "fastapi", "starlette", "sqlalchemy", "redis", "arq")
MAX_LINES = 400


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_libraries_import_nothing_from_the_web_or_storage() -> None:
    offending = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & set(FORBIDDEN_IN_LIBRARIES))
        for library in LIBRARIES for path in (ROOT / library).rglob("*.py")
    }
    assert {k: v for k, v in offending.items() if v} == {}


def test_portal_has_no_flat_services_package() -> None:
    assert not (ROOT / "portal" / "services").exists()
    for package in ("ingest", "scoring", "feed", "residents", "editorial", "delivery",
                    "runtime", "routes", "db"):
        assert (ROOT / "portal" / package / "__init__.py").is_file(), package


def test_no_source_file_passes_400_lines() -> None:
    sources = [path for top in ("portal", *LIBRARIES) for path in (ROOT / top).rglob("*.py")
               if "migrations" not in path.parts]
    long = {str(p.relative_to(ROOT)): n for p in sources
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, "split these: " + ", ".join(f"{k} ({v})" for k, v in long.items())
