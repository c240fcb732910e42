"""The city's files as an operator writes them: `mymachi check-config` names what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from democity import CITY
from portal.cityfiles import check_files, read_city_file
from portal.cli import app
from portal.context import load_city
from portal.demo import write_city_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_CITY = ROOT / "config" / "city.example.toml"
EXAMPLE_SOURCES = ROOT / "config" / "sources.example.toml"
TAXONOMY = ROOT / "config" / "taxonomy.toml"

BROKEN_CITY = """
name = "壊れ市"
jma_area_codes = ["12AB"]

[[area]]
name = "北区"

[[area]]
slug = "minami"
name = "南区"
alias = ["南駅"]
jma_code = "130"
"""

BROKEN_SOURCES = """
[[source]]
url = "https://www.city.example.lg.jp/a.xml"
department = "子育て支援課"
kind = "podcast"

[[source]]
url = "https://www.city.example.lg.jp/news.html"
department = "市民課"
kind = "html"
[source.rules]
item = "ul.news li["
"""


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, list(args), env=env)


def test_the_example_files_are_valid() -> None:
    result = run("check-config", "--city", str(EXAMPLE_CITY), "--sources", str(EXAMPLE_SOURCES),
                 "--taxonomy", str(TAXONOMY))
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
    city = load_city(EXAMPLE_CITY)
    assert [a.slug for a in city.areas] == ["chuo", "sakuradai", "kawabe"]
    assert city.jma_codes["1310100"] == "chuo" and city.jma_codes["1310000"] == ""


def test_a_broken_city_gets_one_line_per_problem_naming_file_entry_and_field(
        tmp_path: Path) -> None:
    bad = tmp_path / "city.toml"
    bad.write_text(BROKEN_CITY, encoding="utf-8")
    result = run("check-config", "--city", str(bad), "--taxonomy", str(TAXONOMY))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert "Traceback" not in result.output
    assert all(line.startswith(f"{bad}: ") for line in lines), lines
    text = "\n".join(lines)
    assert f"{bad}: (top level): jma_area_codes #1: " in text  # malformed JMA code
    assert f"{bad}: area #1: slug: required" in text  # missing slug
    assert f"{bad}: area #2 (minami): alias: unknown field" in text  # a typo, not ignored
    assert f"{bad}: area #2 (minami): jma_code: " in text
    assert len(lines) == 4


def test_broken_sources_name_the_kind_and_the_css_rule(tmp_path: Path) -> None:
    bad = tmp_path / "sources.toml"
    bad.write_text(BROKEN_SOURCES, encoding="utf-8")
    lines = check_files(sources=bad)
    assert any(line.startswith(f"{bad}: source #1 (https://www.city.example.lg.jp/a.xml): kind: ")
               for line in lines), lines
    assert any("source #2" in line and "rules: " in line and "not a valid CSS selector" in line
               for line in lines), lines
    assert len(lines) == 2


def test_a_taxonomy_without_labels_or_categories_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "taxonomy.toml"
    bad.write_text('[[category]]\nslug = "gomi"\ndescription = "ごみ"\n', encoding="utf-8")
    assert check_files(taxonomy=bad) == [f"{bad}: category #1 (gomi): label: required"]
    empty = tmp_path / "empty.toml"
    empty.write_text('title = "no categories"\n', encoding="utf-8")
    assert check_files(taxonomy=empty) == [f"{empty}: (top level): category: required"]
    assert check_files(taxonomy=tmp_path / "missing.toml") == [
        f"{tmp_path / 'missing.toml'}: file not found"]


def test_not_toml_at_all_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "city.toml"
    bad.write_text('name = "unterminated\n', encoding="utf-8")
    [line] = check_files(city=bad)
    assert line.startswith(f"{bad}: not valid TOML")


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["worker", "--burst"], ["demo"]])
def test_servers_refuse_to_start_on_an_invalid_city_file(tmp_path: Path,
                                                         command: list[str]) -> None:
    bad = tmp_path / "city.toml"
    bad.write_text(BROKEN_CITY, encoding="utf-8")
    result = run(*command, env={"MYMACHI_CITY_PATH": str(bad),
                                "MYMACHI_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert result.exit_code == 1
    assert f"{bad}: area #1: slug: required" in result.output
    assert "refusing to start" in result.output
    assert "Traceback" not in result.output


def test_the_demo_city_file_is_written_as_valid_toml(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_city_file(CITY)
    city = read_city_file(tmp_path / "mymachi-city.toml")
    assert city.name == CITY.name
    assert [a.slug for a in city.area] == [w.slug for w in CITY.wards]
    assert city.area[0].aliases == tuple(CITY.wards[0].places)
