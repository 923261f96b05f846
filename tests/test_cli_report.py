"""`kaoping report`: one name for a report file, shared with the web; the assessment report
reads the default database as `kaoping assess` does; no --help example leaves a stray
database behind."""

from __future__ import annotations

import re

import click
from click.testing import CliRunner

from kaoping.cli import cli, main
from kaoping.report.build import report_filename
from kaoping.settings import Settings
from kaoping.store import Store

PLAN = "zhengzhou-2009-2020"


def test_one_naming_scheme(tmp_path, monkeypatch, capsys):
    assert report_filename(PLAN, "evaluation", 2020, "zh", "pdf") == (
        "zhengzhou-2009-2020-evaluation-2020-zh.pdf"
    )
    monkeypatch.chdir(tmp_path)
    assert main(["report", "evaluation", "--year", "2015", "--format", "html"]) == 0
    name = "zhengzhou-2009-2020-evaluation-2015-en.html"
    assert (tmp_path / name).is_file()
    assert f"wrote {name}" in capsys.readouterr().err


def test_the_assessment_report_reads_the_default_database(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("KAOPING_DATABASE_URL", raising=False)
    monkeypatch.setenv("KAOPING_DATA_DIR", str(tmp_path / "data"))
    with Store.open(settings=Settings.from_env()) as store:
        store.import_bundled(PLAN)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    # `kaoping assess` and `kaoping report assessment` read the same store, without --db
    assert main(["assess", "--year", "2020", "--format", "json"]) == 0
    assert '"year": 2020' in capsys.readouterr().out
    assert main(["report", "assessment", "--year", "2020", "--format", "html"]) == 0
    written = sorted(p.name for p in work.iterdir())
    assert written == ["zhengzhou-2009-2020-assessment-2020-en.html"]
    text = (work / written[0]).read_text(encoding="utf-8")
    assert "Annual assessment report" in text and "2020" in text


def _commands(group: click.Group, path: tuple[str, ...] = ()):
    for name, cmd in group.commands.items():
        yield (*path, name), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, (*path, name))


def test_no_help_example_makes_a_stray_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    examples = []
    for path, _cmd in _commands(cli):
        r = runner.invoke(cli, [*path, "--help"])
        assert r.exit_code == 0, (path, r.output)
        examples += [
            line.strip() for line in r.output.splitlines() if line.strip().startswith("kaoping ")
        ]
    assert any(e.startswith("kaoping report assessment") for e in examples)
    # a relative SQLite file in an example would be created wherever it is run
    relative = [e for e in examples if re.search(r"sqlite:///(?!/)", e)]
    assert relative == []
    assert list(tmp_path.iterdir()) == []  # asking for help writes nothing
