"""Sweep benchmark: `guardrail scan` against Cloud Custodian on the same population.

Each tool gets a fresh emulator (`tests/emulator/with-emulator.sh`) seeded with the same
population: N notebooks and N running training jobs, every other one non-compliant (direct
internet and root access, or outside a VPC without isolation, encryption or a customer managed
key), plus M ended training jobs (non-compliant too: a tool that reads the job history would
touch them). Then the tool sweeps, and the benchmark checks that exactly the non-compliant
running resources were stopped and nothing else was touched. Prints, per tool, the sweep's wall
time and the correctness; for the guardrail also when every resource was contained and alerted
(its summary's `inspected_ms`) and the AWS requests it made by API (moto's recorder).

Cloud Custodian (`c7n`, pinned in `tests/bench/requirements-c7n.txt`) is installed in its own
venv (`.venv-c7n`) and runs in pull mode with its cache off (`--cache-period 0`), with the
equivalent policy (`tests/bench/custodian.yml`).

    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_OPT_LEVEL=3 \\
      CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo build --release -p guardrail-cli --target-dir target/bench
    python3 tests/bench/sweep.py target/bench/release/guardrail [--notebooks 1000] [--ended 5000]

A benchmark, not a test: it prints numbers and asserts nothing about them.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from recording import recorder, requests_by_api  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee"
SUBNET = "subnet-0a1b2c3d4e5f60001"
GROUP = "sg-0a1b2c3d4e5f60001"
ROLE = "arn:aws:iam::123456789012:role/SageMakerExecutionRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
TABLE = "guardrail-findings"
#: The tag the baseline's `required-tags` control asks for.
OWNER = {"Key": "owner", "Value": "alice"}
C7N_VENV = ROOT / ".venv-c7n"


def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=os.environ["AWS_ENDPOINT_URL"],
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
        config=Config(max_pool_connections=32, retries={"mode": "standard"}),
    )


def bad(i: int) -> bool:
    return i % 2 == 0


def notebook(sm: Any, i: int) -> None:
    request: dict[str, Any] = {
        "NotebookInstanceName": f"nb-{i:05d}",
        "InstanceType": "ml.t3.medium",
        "RoleArn": ROLE,
        "Tags": [OWNER],
    }
    if bad(i):
        request |= {"DirectInternetAccess": "Enabled", "RootAccess": "Enabled"}
    else:
        request |= {
            "SubnetId": SUBNET,
            "SecurityGroupIds": [GROUP],
            "KmsKeyId": KEY,
            "DirectInternetAccess": "Disabled",
            "RootAccess": "Disabled",
            "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "2"},
        }
    sm.create_notebook_instance(**request)


def training_job(sm: Any, name: str, compliant: bool, status: str | None = None) -> None:
    resources: dict[str, Any] = {"InstanceType": "ml.m5.xlarge", "InstanceCount": 2, "VolumeSizeInGB": 50}
    output: dict[str, Any] = {"S3OutputPath": "s3://models/churn/"}
    request: dict[str, Any] = {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "EnableNetworkIsolation": compliant,
        "EnableInterContainerTrafficEncryption": compliant,
        "Tags": [OWNER],
    }
    if compliant:
        resources["VolumeKmsKeyId"] = KEY
        output["KmsKeyId"] = KEY
        request["VpcConfig"] = {"Subnets": [SUBNET], "SecurityGroupIds": [GROUP]}
    if status:
        request["Tags"].append({"Key": "emulator:initial-status", "Value": status})
    sm.create_training_job(**request, ResourceConfig=resources, OutputDataConfig=output)


def seed(notebooks: int, ended: int) -> float:
    """Creates the population; returns the seconds it took."""
    sm = client("sagemaker")
    started = time.monotonic()
    calls = [lambda i=i: notebook(sm, i) for i in range(notebooks)]
    calls += [lambda i=i: training_job(sm, f"tr-{i:05d}", not bad(i)) for i in range(notebooks)]
    calls += [lambda i=i: training_job(sm, f"done-{i:05d}", False, "Completed") for i in range(ended)]
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        for future in [pool.submit(call) for call in calls]:
            future.result()
    return time.monotonic() - started


def statuses() -> dict[str, str]:
    """Every notebook's and training job's status, by name."""
    sm = client("sagemaker")
    found = {}
    for page in sm.get_paginator("list_notebook_instances").paginate():
        found |= {n["NotebookInstanceName"]: n["NotebookInstanceStatus"] for n in page["NotebookInstances"]}
    for page in sm.get_paginator("list_training_jobs").paginate():
        found |= {j["TrainingJobName"]: j["TrainingJobStatus"] for j in page["TrainingJobSummaries"]}
    return found


def wrong(found: dict[str, str], notebooks: int, ended: int) -> list[str]:
    """What the sweep got wrong: a non-compliant running resource left running, anything else
    touched."""
    expected = {}
    for i in range(notebooks):
        expected[f"nb-{i:05d}"] = {"Stopping", "Stopped"} if bad(i) else {"InService"}
        expected[f"tr-{i:05d}"] = {"Stopping", "Stopped"} if bad(i) else {"InProgress"}
    for i in range(ended):
        expected[f"done-{i:05d}"] = {"Completed"}
    return [f"{name}: {found.get(name)}" for name, want in expected.items() if found.get(name) not in want]


def run_guardrail(binary: str, concurrency: int) -> dict[str, Any]:
    setup = subprocess.run(
        [os.environ["GUARDRAIL_PYTHON"], str(ROOT / "tests/emulator/local_setup.py"), "--without-notebook"],
        check=True,
        capture_output=True,
        text=True,
    )
    exports = dict(word.split("=", 1) for word in setup.stdout.split() if "=" in word)
    topic = exports["ALERT_TOPIC_ARN"]
    client("dynamodb").get_waiter("table_exists").wait(TableName=TABLE)
    recorder("reset-recording")
    recorder("start-recording")
    started = time.monotonic()
    out = subprocess.run(
        [binary, "scan", "--store", f"dynamodb:{TABLE}", "--topic-arn", topic, "--format", "json",
         "--concurrency", str(concurrency)],
        capture_output=True,
        text=True,
        env=os.environ | {"GUARDRAIL_ACCOUNT_ID": "123456789012", "RUST_LOG": "warn"},
    )
    seconds = time.monotonic() - started
    recorder("stop-recording")
    summary = json.loads(out.stdout) if out.stdout.strip().startswith("{") else {"stderr": out.stderr[-2000:]}
    return {"seconds": seconds, "summary": summary, "requests": requests_by_api()}


def run_custodian() -> dict[str, Any]:
    out_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"c7n-{os.getpid()}"
    recorder("reset-recording")
    recorder("start-recording")
    started = time.monotonic()
    done = subprocess.run(
        [str(C7N_VENV / "bin/custodian"), "run", "--cache-period", "0", "-s", str(out_dir),
         "--region", os.environ.get("AWS_REGION", "us-east-1"), str(HERE / "custodian.yml")],
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    recorder("stop-recording")
    return {
        "seconds": seconds,
        "exit": done.returncode,
        "stderr": done.stderr[-1500:] if done.returncode else "",
        "requests": requests_by_api(),
    }


def phase(tool: str, args: argparse.Namespace) -> int:
    """One tool on a fresh emulator (run under with-emulator.sh); prints one JSON line."""
    seeded = seed(args.notebooks, args.ended)
    result = run_guardrail(args.binary, args.concurrency) if tool == "guardrail" else run_custodian()
    result |= {"tool": tool, "seed_seconds": seeded, "wrong": wrong(statuses(), args.notebooks, args.ended)}
    print("RESULT " + json.dumps(result))
    return 0


def ensure_custodian() -> None:
    requirements = HERE / "requirements-c7n.txt"
    stamp = C7N_VENV / ".requirements"
    if (C7N_VENV / "bin/custodian").exists() and stamp.exists() and stamp.read_text() == requirements.read_text():
        return
    subprocess.run([sys.executable, "-m", "venv", str(C7N_VENV)], check=True)
    subprocess.run([str(C7N_VENV / "bin/pip"), "install", "--quiet", "-r", str(requirements)], check=True)
    stamp.write_text(requirements.read_text())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", help="the built guardrail CLI")
    parser.add_argument("--notebooks", type=int, default=1000, help="notebooks, and running training jobs")
    parser.add_argument("--ended", type=int, default=5000, help="ended training jobs")
    parser.add_argument("--concurrency", type=int, default=16, help="the guardrail's --concurrency")
    parser.add_argument("--phase", choices=["guardrail", "custodian"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return phase(args.phase, args)
    ensure_custodian()
    results = {}
    for tool in ("custodian", "guardrail"):
        done = subprocess.run(
            [str(ROOT / "tests/emulator/with-emulator.sh"), "bash", "-c",
             '"$GUARDRAIL_PYTHON" "$@"', "phase", str(Path(__file__)), args.binary,
             "--notebooks", str(args.notebooks), "--ended", str(args.ended),
             "--concurrency", str(args.concurrency), "--phase", tool],
            capture_output=True,
            text=True,
        )
        line = next((l for l in done.stdout.splitlines() if l.startswith("RESULT ")), None)
        if line is None:
            print(f"{tool}: no result (exit {done.returncode})\n{done.stderr[-3000:]}", file=sys.stderr)
            return 1
        results[tool] = json.loads(line.removeprefix("RESULT "))
    running = 2 * args.notebooks
    print(f"population: {args.notebooks} notebooks + {args.notebooks} running training jobs "
          f"(half non-compliant) + {args.ended} ended training jobs")
    for tool, r in results.items():
        correct = running - len([w for w in r["wrong"] if not w.startswith("done-")])
        verdict = "all correct" if not r["wrong"] else f"WRONG: {len(r['wrong'])} ({r['wrong'][:5]})"
        print(f"{tool:>9}: {r['seconds']:6.1f} s  ({correct}/{running} running resources right, {verdict}; "
              f"seeding took {r['seed_seconds']:.0f} s)")
    g = results["guardrail"]
    summary = g.get("summary", {})
    if "inspected_ms" in summary:
        print(f"guardrail: every resource contained and alerted after {summary['inspected_ms'] / 1000:.1f} s; "
              f"{summary.get('alerts')} alerts, {summary.get('attributed_late')} creators filled in after")
    else:
        print(f"guardrail summary: {summary}")
    print(f"speed-up: {results['custodian']['seconds'] / g['seconds']:.1f}x (wall time, sweep to sweep)")
    for tool, r in results.items():
        requests = r.get("requests", {})
        print(f"{tool} AWS requests: {sum(requests.values())}")
        for api, count in requests.items():
            print(f"  {count:6d}  {api}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
