"""The auditor's report in a real browser: headless Chromium (the distribution's package, installed
here when missing and the machine allows it) loads the page written by `guardrail findings report`
from the sample events' findings; the page logs no console error, its tables hold the counts
`guardrail findings summary` prints for the same store, and a screenshot is written for people to
look at (target/report/report.png)."""

from __future__ import annotations

import html.parser
import json
import os
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
GUARDRAIL = TARGET / "debug" / "guardrail"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def browser() -> str | None:
    """A Chromium on the PATH, installed from the distribution's packages when missing (as root,
    or with sudo, on a Debian-like system)."""
    for name in BROWSERS:
        if shutil.which(name):
            return shutil.which(name)
    if shutil.which("apt-get") is None:
        return None
    sudo = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if sudo is None:
        return None
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium", "fonts-dejavu-core"]):
        if subprocess.run(sudo + command, env=env, capture_output=True).returncode != 0:
            return None
    return shutil.which("chromium")


class Tables(html.parser.HTMLParser):
    """The count tables of the page (`<table id="by-...">`): row name -> status -> count."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, dict[str, int]]] = {}
        self.table: str | None = None
        self.row: str | None = None
        self.status: str | None = None
        self.in_th = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "table" and (attributes.get("id") or "").startswith("by-"):
            self.table = attributes["id"]
            self.tables[self.table] = {}
        elif self.table and tag == "th":
            self.in_th = True
        elif self.table and tag == "td":
            self.status = attributes.get("data-status")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.table = None
        elif tag == "th":
            self.in_th = False
        elif tag == "td":
            self.status = None

    def handle_data(self, data: str) -> None:
        if self.table is None:
            return
        if self.in_th and data.strip():
            self.row = data.strip()
        elif self.status and self.row:
            self.tables[self.table].setdefault(self.row, {})[self.status] = int(data)


def guardrail(*args: str) -> str:
    done = subprocess.run([str(GUARDRAIL), *args], cwd=ROOT, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise AssertionError(f"guardrail {' '.join(args)}: {done.stderr}")
    return done.stdout


class ReportInBrowser(unittest.TestCase):
    def test_the_page_loads_cleanly_with_the_summary_s_numbers(self) -> None:
        self.assertTrue(GUARDRAIL.exists(), f"{GUARDRAIL}: build it (cargo build --workspace --bins)")
        chromium = browser()
        if chromium is None:
            self.skipTest("no Chromium, and it cannot be installed here (no apt-get, or no root or sudo)")
        with tempfile.TemporaryDirectory() as work:
            # Given the findings of the sample events, and their report
            store = f"sqlite:{work}/findings.db"
            guardrail("replay", "--policy", "infra/policy.example.toml", "--store", store, "events/")
            page = Path(work) / "report.html"
            guardrail("findings", "report", "--output", str(page), "--policy", "infra/policy.example.toml", "--store", store)
            summary = json.loads(guardrail("findings", "summary", "--format", "json", "--store", store))
            # When a browser loads it
            flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=" + work + "/profile"]
            loaded = subprocess.run(
                [chromium, *flags, "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
                capture_output=True, text=True, timeout=120,
            )
            self.assertEqual(loaded.returncode, 0, loaded.stderr[-2000:])
            # Then it logs no console error
            console = [line for line in loaded.stderr.splitlines() if "CONSOLE" in line]
            self.assertEqual(console, [], "console messages")
            # And its tables are the summary's
            tables = Tables()
            tables.feed(loaded.stdout)
            for table, member in (("by-control", "by_control"), ("by-kind", "by_kind")):
                expected = {
                    name: {status: counts.get(status, 0) for status in ("PASS", "FAIL", "NOT_APPLICABLE", "ERROR")}
                    for name, counts in summary[member].items()
                }
                self.assertEqual(tables.tables.get(table), expected, table)
            self.assertIn(f'<dd id="total">{summary["total"]}</dd>', loaded.stdout)
            # And a screenshot is there for people to look at
            shot = TARGET / "report" / "report.png"
            shot.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [chromium, *flags, "--window-size=1280,2400", f"--screenshot={shot}", page.as_uri()],
                capture_output=True, timeout=120, check=True,
            )
            self.assertGreater(shot.stat().st_size, 10_000)
            print(f"report screenshot: {shot}")


if __name__ == "__main__":
    unittest.main()
