"""`guardrail iac --format sarif` and `--format junit` on the templates and corpus of `tests/iac`.

The SARIF log validates against the SARIF 2.1.0 JSON schema (`sarif-schema-2.1.0.json` here: the
OASIS schema as the MIT-licensed `serde-sarif` 0.8.0 crate ships it, draft-07), its rules carry
GitHub's `security-severity`, its fingerprints are stable and unique, and an exempted failure is
a suppression with its reason. The JUnit report counts what the SARIF log reports.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
GUARDRAIL = TARGET / "debug" / "guardrail"
SCHEMA = json.loads((Path(__file__).parent / "sarif-schema-2.1.0.json").read_text())
INPUTS = ["tests/iac/templates", "tests/iac/corpus"]


def guardrail(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "GUARDRAIL_POLICY"}
    return subprocess.run([str(GUARDRAIL), *args], cwd=ROOT, capture_output=True, text=True, env=env, check=False)


def sarif(*extra: str) -> dict:
    run = guardrail("iac", "--format", "sarif", *extra, *INPUTS)
    if run.returncode != 0:
        raise AssertionError(f"exit {run.returncode}: {run.stderr}")
    return json.loads(run.stdout)


class Sarif(unittest.TestCase):
    def test_the_log_validates_against_the_sarif_2_1_0_schema(self) -> None:
        log = sarif()
        errors = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(log), key=str)
        self.assertEqual([e.message for e in errors], [])
        self.assertEqual(log["version"], "2.1.0")

    def test_rules_are_the_controls_with_security_severity_and_results_point_at_them(self) -> None:
        run = sarif()["runs"][0]
        rules = run["tool"]["driver"]["rules"]
        ids = [r["id"] for r in rules]
        self.assertIn("vpc-attached", ids)
        self.assertIn("model-approval", ids)
        for rule in rules:
            if rule["id"] == "unreadable-resource":  # (not a control: no severity of its own)
                continue
            score = float(rule["properties"]["security-severity"])
            self.assertTrue(0.0 < score <= 10.0, rule)
            self.assertTrue(rule["shortDescription"]["text"], rule["id"])
            self.assertIn(rule["defaultConfiguration"]["level"], ("error", "warning"))
        results = run["results"]
        self.assertTrue(results)
        for result in results:
            self.assertEqual(rules[result["ruleIndex"]]["id"], result["ruleId"])
            region = result["locations"][0]["physicalLocation"]["region"]
            self.assertGreaterEqual(region["startLine"], 1)
            self.assertGreaterEqual(region["startColumn"], 1)
        # The notebook that opens the internet outside production, at its line (its production
        # branch, unsettled by its imported network, is a note).
        internet = [
            r for r in results
            if r["ruleId"] == "no-direct-internet"
            and r["locations"][0]["logicalLocations"][0]["name"] == "ResearchNotebook"
            and r["level"] != "note"
        ]
        self.assertEqual(len(internet), 1, internet)
        self.assertEqual(internet[0]["level"], "error")
        self.assertEqual(internet[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 23)
        self.assertIn("IsProd=false", internet[0]["message"]["text"])

    def test_fingerprints_are_stable_and_unique(self) -> None:
        first = [r["partialFingerprints"]["guardrailResult/v1"] for r in sarif()["runs"][0]["results"]]
        second = [r["partialFingerprints"]["guardrailResult/v1"] for r in sarif()["runs"][0]["results"]]
        self.assertEqual(first, second)
        self.assertEqual(len(set(first)), len(first))

    def test_an_exempted_failure_is_a_suppression_with_its_reason(self) -> None:
        expires = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
        policy = (
            "[[exemptions]]\n"
            'resource = "arn:aws:sagemaker:*:123456789012:notebook-instance/research-*"\n'
            'controls = ["no-direct-internet"]\n'
            'reason = "SEC-42: the research sandbox reaches public datasets"\n'
            f"expires = {expires}\n"
        )
        with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
            f.write(policy)
        try:
            run = guardrail("iac", "--format", "sarif", "--policy", f.name, "tests/iac/templates")
        finally:
            os.unlink(f.name)
        self.assertEqual(run.returncode, 0, run.stderr)
        results = json.loads(run.stdout)["runs"][0]["results"]
        suppressed = [r for r in results if r.get("suppressions")]
        self.assertEqual([r["ruleId"] for r in suppressed], ["no-direct-internet"], results)
        self.assertIn("SEC-42", suppressed[0]["suppressions"][0]["justification"])
        jsonschema.Draft7Validator(SCHEMA).validate(json.loads(run.stdout))


class Junit(unittest.TestCase):
    def test_the_report_counts_what_the_sarif_log_reports(self) -> None:
        run = guardrail("iac", "--format", "junit", *INPUTS)
        self.assertEqual(run.returncode, 0, run.stderr)
        suites = ET.fromstring(run.stdout).findall("testsuite")
        self.assertTrue(suites)
        failures = sum(int(s.get("failures", "0")) for s in suites)
        errors = sum(int(s.get("errors", "0")) for s in suites)
        for suite in suites:
            self.assertEqual(int(suite.get("tests", "0")), len(suite.findall("testcase")))
        results = sarif()["runs"][0]["results"]
        # (a resource that cannot be read is an error of the report, an error result of the log)
        unread = sum(1 for r in results if r["ruleId"] == "unreadable-resource")
        self.assertGreaterEqual(unread, 1)
        self.assertEqual(failures, sum(1 for r in results if r["level"] in ("error", "warning")) - unread)
        self.assertEqual(errors, sum(1 for r in results if r["level"] == "note") + unread)


if __name__ == "__main__":
    unittest.main()
