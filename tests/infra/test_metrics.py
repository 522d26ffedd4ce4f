"""The functions' metrics, as CloudWatch reads them: the built inspector, run as Lambda runs it
(the Runtime API emulator of the cold-start benchmark, the AWS emulator behind it), writes an
embedded metric format (EMF) line per data point to its log stream; the template's alarms and
dashboard name exactly those metrics."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
import unittest
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/bench"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from coldstart import RuntimeApi, seed  # noqa: E402
from test_templates import CENTRAL, load  # noqa: E402

#: The metrics the code writes (the table in shared/engine/src/metrics.rs).
METRICS_DOC = (ROOT / "shared/engine/src/metrics.rs").read_text()


def binary(name: str) -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / name


def emf_lines(stdout: str) -> list[dict[str, Any]]:
    documents = []
    for line in stdout.splitlines():
        try:
            document = json.loads(line)
        except ValueError:
            continue
        if isinstance(document, dict) and "_aws" in document:
            documents.append(document)
    return documents


class InspectorMetrics(unittest.TestCase):
    def test_every_event_is_counted_in_valid_emf_lines(self) -> None:
        if not os.environ.get("AWS_ENDPOINT_URL", "").startswith("http://127.0.0.1"):
            self.fail("AWS_ENDPOINT_URL does not point at the local emulator: run tests/run.sh")
        inspector = binary("inspector")
        self.assertTrue(inspector.exists(), f"{inspector}: build it (cargo build --workspace --bins)")
        # Given two notebooks (one without a VPC) and a malformed event
        function_env, events = seed(2)
        events.append((ROOT / "events/malformed/missing-name.json").read_bytes())
        api = RuntimeApi()
        threading.Thread(target=api.serve_forever, daemon=True).start()
        for i, body in enumerate(events):
            api.events.put((f"request-{i}", body))
        env = {
            **os.environ,
            **function_env,
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{api.server_address[1]}",
            "AWS_LAMBDA_FUNCTION_NAME": "guardrail-inspector",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "RUST_LOG": "warn",
        }
        # When the function handles them
        process = subprocess.Popen([str(inspector)], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(api.done) < len(events) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        process.kill()
        stdout = process.communicate()[0].decode(errors="replace")
        api.shutdown()
        self.assertEqual(len(api.done), len(events), api.init_error)

        # Then each event is counted by its outcome, in documents CloudWatch accepts
        documents = emf_lines(stdout)
        self.assertTrue(documents, stdout[-2000:])
        for document in documents:
            directive = document["_aws"]["CloudWatchMetrics"][0]
            self.assertEqual(directive["Namespace"], "SageMakerGuardrail")
            self.assertIsInstance(document["_aws"]["Timestamp"], int)
            for metric in directive["Metrics"]:
                self.assertIsInstance(document[metric["Name"]], (int, float), document)
                self.assertIn(f"`{metric['Name']}`", METRICS_DOC, "documented in metrics.rs")
            for dimension in directive["Dimensions"][0]:
                self.assertIsInstance(document[dimension], str, document)
            self.assertEqual(document["Function"], "inspector")
        outcomes = sorted(d["Outcome"] for d in documents if "Events" in d)
        self.assertEqual(outcomes, ["evaluated", "evaluated", "rejected"])
        self.assertEqual(sum(1 for d in documents if "EventDuration" in d), 3)
        violations = [d for d in documents if "Violations" in d]
        self.assertTrue(any(d["Control"] == "vpc-attached" for d in violations), violations)
        self.assertTrue(all(d["Severity"] in ("low", "medium", "high", "critical", "informational") for d in violations))


class AlarmsAndDashboard(unittest.TestCase):
    def test_alarms_and_the_dashboard_name_metrics_the_code_writes(self) -> None:
        resources = load(CENTRAL)["Resources"]
        alarms = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"]
        guardrail = [a for a in alarms if a.get("Namespace") == "SageMakerGuardrail"]
        self.assertEqual(
            sorted(a["MetricName"] for a in guardrail),
            ["Events", "ForeignAccountEvents", "ForwardedEventsLeft", "ForwardedEventsRecovered", "PolicyRejected",
             "PolicyRejected", "Remediations", "Remediations", "SweepLeft"],
            "failed remediations, rejected events, events of other organizations, events members could not "
            "forward, refused policies, incomplete sweeps",
        )
        # Each alarm's dimensions are exactly a set the code writes the metric with (an alarm on
        # other dimensions never fires), for a function that writes it.
        documented = {}
        for line in METRICS_DOC.splitlines():
            cells = [c.strip() for c in line.removeprefix("//!").split("|")[1:-1]]
            if len(cells) == 3 and cells[0].startswith("`"):
                for metric in re.findall(r"`(\w+)`", cells[0]):
                    documented[metric] = [d.strip().strip("`") for d in cells[1].split(",")]
        for alarm in guardrail:
            names = [d["Name"] for d in alarm.get("Dimensions", [])]
            self.assertEqual(names, documented.get(alarm["MetricName"]), alarm)
            function = next(d["Value"] for d in alarm["Dimensions"] if d["Name"] == "Function")
            self.assertIn(function, ("inspector", "sweeper"))
        dashboards = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::CloudWatch::Dashboard"]
        self.assertEqual(len(dashboards), 1)
        body = json.dumps(dashboards[0]["DashboardBody"])
        for metric in ["Events", "Violations", "Remediations", "AlertsSent", "SweepListed", "SweepDuration"]:
            self.assertIn(metric, body)


if __name__ == "__main__":
    unittest.main()
