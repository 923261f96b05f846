"""The README's install line names the Debian packages CI installs, no more and no fewer."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_the_readme_lists_the_debian_packages_ci_installs():
    ci = (ROOT / ".ci" / "apt-packages").read_text(encoding="utf-8").splitlines()
    packages = {line.strip() for line in ci if line.strip() and not line.startswith("#")}
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    install = [line for line in readme if line.startswith("sudo apt-get install ")]
    assert len(install) == 1
    assert set(install[0].split()[3:]) == packages
