"""The scorecard as plain text when the output is not a terminal: no rich, same layout."""

from __future__ import annotations

import io
import subprocess
import sys

from kaoping.cli.common import PlainConsole, strip_markup
from kaoping.report.terminal import Column, Grid, cell_width, plain_lines, wrap


def test_widths_count_wide_characters_twice():
    assert cell_width("abc") == 3
    assert cell_width("经济a") == 5
    assert cell_width("—·‰") == 3  # ambiguous-width marks take one column, as rich counts them


def test_wrap_breaks_at_spaces_and_cuts_long_words():
    assert wrap("aaa bbb ccc", 7) == ["aaa bbb", "ccc"]
    assert wrap("aaa bbb ccc", 11) == ["aaa bbb ccc"]
    assert wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]
    assert wrap("经济发展目标", 4) == ["经济", "发展", "目标"]
    assert wrap("one\ntwo three", 5) == ["one", "two", "three"]


def test_a_boxed_table_fits_its_width():
    grid = Grid(
        [
            Column([("Name", "bold")], wrap=True),
            Column([("Value", "bold")], justify="right"),
            Column([("Status\n", "bold"), ("pace", "dim")]),
        ],
        title="Group · score 50.0",
    )
    grid.rows.append([[("Alpha beta gamma", "")], [("12 [2020]", "")], [("ok", "")]])
    grid.rows.append([[("Z", "")], [("3", "")], [("late", ""), ("\nwhy", "dim")]])
    assert plain_lines(grid, width=120) == [
        "Group · score 50.0",
        "┏━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━┓",
        "┃                  ┃           ┃ Status ┃",
        "┃ Name             ┃     Value ┃ pace   ┃",
        "┡━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━┩",
        "│ Alpha beta gamma │ 12 [2020] │ ok     │",
        "│ Z                │         3 │ late   │",
        "│                  │           │ why    │",
        "└──────────────────┴───────────┴────────┘",
    ]
    narrow = plain_lines(grid, width=35)
    assert all(cell_width(line) <= 35 for line in narrow[1:])
    assert narrow[5] == "│ Alpha beta │ 12 [2020] │ ok     │"
    assert narrow[6] == "│ gamma      │           │        │"


def test_a_bare_table_is_columns_two_spaces_apart():
    grid = Grid(
        [Column([("Groups", "bold")]), Column([("score", "bold")], justify="right")],
        boxed=False,
    )
    grid.rows += [[[("Economy", "")], [("50.7", "")]], [[("Lens", "bold")], []]]
    assert plain_lines(grid) == ["Groups   score", "Economy   50.7", "Lens"]


def test_markup_is_removed_as_rich_removes_it():
    assert strip_markup("[green]✓[/green] plan [bold]p[/bold]") == "✓ plan p"
    assert strip_markup("x[2021] [/] \\[kept]") == "x[2021]  [kept]"


def test_the_plain_console_prints_text_without_rich():
    out = io.StringIO()
    console = PlainConsole(out)
    console.print("[bold]a[/bold]", "b")
    console.write("c\n")
    assert out.getvalue() == "a b\nc\n"


def test_evaluate_piped_does_not_import_rich():
    code = (
        "import sys\n"
        "from kaoping.cli import main\n"
        "assert main(['evaluate', '--year', '2015']) == 0\n"
        "print('RICH' if any(m.split('.')[0] == 'rich' for m in sys.modules) else 'NO RICH',"
        " file=sys.stderr)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stderr.strip().endswith("NO RICH")
    assert "Economic development" in r.stdout and "┏" in r.stdout and "\x1b[" not in r.stdout
