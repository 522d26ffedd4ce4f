"""Sweep benchmark: `guardrail scan` against Cloud Custodian on the same population and regime.

Each tool gets a fresh emulator (`tests/emulator/with-emulator.sh`) seeded with the same
population, then the same regime (tests/emulator/regimes.py) is turned on, the tool sweeps, the
regime is turned off, and the benchmark checks that exactly the non-compliant active resources
were stopped (endpoints: deleted) and nothing else was touched (ended jobs, endpoint
configurations and models).

Populations (`--population`):

- `half` (the default): N notebooks and N running training jobs (`--notebooks`, 1,000), every
  other one non-compliant (direct internet and root access, or outside a VPC without isolation,
  encryption or a customer managed key), plus M ended training jobs (`--ended`, 5,000;
  non-compliant too: a tool that reads the job history would touch them).
- `steady`: 10,000 active resources (2,000 notebooks, 3,000 training, 2,000 processing and
  1,500 transform jobs running, 1,500 in-service endpoints, each with a configuration and a
  model of its own), one in 50 non-compliant, plus 50,000 ended jobs (training, processing,
  transform; Completed, Failed or Stopped). `--scale 0.05` seeds a twentieth of it.

The ended jobs are created first, as an account's history is older than what runs now.

Regimes (`--regime`), the same for both tools: `bare` (the emulator as it is), `latency` (30 ms
on every request), `limits` (per-API token buckets, `LIMITS`: 10 a second for SageMaker's
describes, lists, `Search`, stops and deletes, 2 `LookupEvents` a second, throttled beyond in
each service's own protocol).

`--repeat` measures each tool's second sweep, the first one run unmeasured: what a scheduled
sweep does every time once the guardrail has recorded the account (Custodian keeps nothing
between runs).

Prints, per tool: the sweep's wall time, the correctness, the AWS requests it made by API
(moto's recorder: the requests moto served), requests per active resource, and the requests
throttled (the regime's counters); for the guardrail also when every resource was contained and
alerted (its summary's `inspected_ms`). `--json OUT` writes the same figures.

Cloud Custodian (`c7n`, pinned in `tests/bench/requirements-c7n.txt`) is installed in its own
venv (`.venv-c7n`) and runs in pull mode with its cache off (`--cache-period 0`), with the
equivalent policy (`tests/bench/custodian.yml`, plus `tests/bench/custodian-steady.yml` for the
steady population's processing and transform jobs and endpoints).

    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_OPT_LEVEL=3 \\
      CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 cargo build --release -p guardrail-cli --target-dir target/bench
    python3 tests/bench/sweep.py target/bench/release/guardrail [--notebooks 1000] [--ended 5000]
    python3 tests/bench/sweep.py target/bench/release/guardrail --population steady --regime limits [--scale 0.05] [--repeat] [--json OUT]

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
import urllib.request
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


#: The rates of the `limits` regime (requests a second per API, per region): issue 22's example
#: (10 describes a second; 2 `LookupEvents` a second, as CloudTrail documents), the same for
#: SageMaker's lists, `Search`, stops and deletes; DynamoDB generously (on-demand tables).
LIMITS = {
    "sagemaker:Describe*": 10,
    "sagemaker:List*": 10,
    "sagemaker:Search": 10,
    "sagemaker:Stop*": 10,
    "sagemaker:Delete*": 10,
    "cloudtrail:LookupEvents": 2,
    "dynamodb:*": 1000,
}
#: The emulator regimes (tests/emulator/regimes.py), the same for both tools. `bare` turns an
#: empty regime on only to count the requests by API.
REGIMES: dict[str, dict[str, Any]] = {
    "bare": {},
    "latency": {"latency_ms": 30},
    "limits": {"rates": LIMITS},
}
#: The steady-state population's active resources by kind (10,000 at scale 1) and ended jobs
#: (50,000 at scale 1).
STEADY_ACTIVE = {"notebook": 0.20, "training": 0.30, "processing": 0.20, "transform": 0.15, "endpoint": 0.15}
STEADY_ENDED = {"training": 0.60, "processing": 0.20, "transform": 0.20}
#: Name prefixes of the active resources; ended jobs are `done-<prefix>-NNNNN`.
PREFIX = {"notebook": "nb", "training": "tr", "processing": "pr", "transform": "tf", "endpoint": "ep"}
ENDED_STATUSES = ("Completed", "Failed", "Stopped")
#: The compliant model every transform job uses (its `vpc-attached` is its model's).
TRANSFORM_MODEL = "bench-transform-model"


def population(args: argparse.Namespace) -> dict[str, Any]:
    """The population the arguments ask for: active and ended counts by kind, and every how
    many active resources one is non-compliant."""
    if args.population == "half":
        return {
            "name": "half",
            "active": {"notebook": args.notebooks, "training": args.notebooks},
            "ended": {"training": args.ended},
            "every": 2,
        }
    active_total, ended_total = round(10_000 * args.scale), round(50_000 * args.scale)
    return {
        "name": "steady",
        "active": {kind: round(active_total * share) for kind, share in STEADY_ACTIVE.items()},
        "ended": {kind: round(ended_total * share) for kind, share in STEADY_ENDED.items()},
        "every": 50,
    }


def bad(i: int, every: int = 2) -> bool:
    return i % every == 0


def tags(status: str | None) -> list[dict[str, str]]:
    return [OWNER] + ([{"Key": "emulator:initial-status", "Value": status}] if status else [])


def notebook(sm: Any, name: str, compliant: bool, status: str | None = None) -> None:
    request: dict[str, Any] = {
        "NotebookInstanceName": name,
        "InstanceType": "ml.t3.medium",
        "RoleArn": ROLE,
        "Tags": tags(status),
    }
    if not compliant:
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
        "Tags": tags(status),
    }
    if compliant:
        resources["VolumeKmsKeyId"] = KEY
        output["KmsKeyId"] = KEY
        request["VpcConfig"] = {"Subnets": [SUBNET], "SecurityGroupIds": [GROUP]}
    sm.create_training_job(**request, ResourceConfig=resources, OutputDataConfig=output)


def processing_job(sm: Any, name: str, compliant: bool, status: str | None = None) -> None:
    cluster: dict[str, Any] = {"InstanceCount": 2, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}
    output: dict[str, Any] = {
        "Outputs": [
            {
                "OutputName": "features",
                "S3Output": {
                    "S3Uri": "s3://features/out/",
                    "LocalPath": "/opt/ml/processing/output",
                    "S3UploadMode": "EndOfJob",
                },
            }
        ]
    }
    network: dict[str, Any] = {
        "EnableInterContainerTrafficEncryption": compliant,
        "EnableNetworkIsolation": compliant,
    }
    if compliant:
        cluster["VolumeKmsKeyId"] = KEY
        output["KmsKeyId"] = KEY
        network["VpcConfig"] = {"Subnets": [SUBNET], "SecurityGroupIds": [GROUP]}
    sm.create_processing_job(
        ProcessingJobName=name,
        ProcessingResources={"ClusterConfig": cluster},
        ProcessingOutputConfig=output,
        NetworkConfig=network,
        AppSpecification={"ImageUri": IMAGE},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        RoleArn=ROLE,
        Tags=tags(status),
    )


def model(sm: Any, name: str, compliant: bool) -> None:
    extra: dict[str, Any] = (
        {"EnableNetworkIsolation": True, "VpcConfig": {"Subnets": [SUBNET], "SecurityGroupIds": [GROUP]}}
        if compliant
        else {}
    )
    sm.create_model(
        ModelName=name,
        ExecutionRoleArn=ROLE,
        PrimaryContainer={"Image": IMAGE, "ModelDataUrl": "s3://models/churn/model.tar.gz"},
        Tags=[OWNER],
        **extra,
    )


def transform_job(sm: Any, name: str, compliant: bool, status: str | None = None) -> None:
    output: dict[str, Any] = {"S3OutputPath": "s3://batch/out/"}
    resources: dict[str, Any] = {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1}
    if compliant:
        output["KmsKeyId"] = KEY
        resources["VolumeKmsKeyId"] = KEY
    sm.create_transform_job(
        TransformJobName=name,
        ModelName=TRANSFORM_MODEL,
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://batch/in/"}}},
        TransformOutput=output,
        TransformResources=resources,
        Tags=tags(status),
    )


def endpoint(sm: Any, name: str, compliant: bool, status: str | None = None) -> None:
    """An endpoint with a configuration and a model of its own, all called ``name``. A
    non-compliant one fails everything: its model outside a VPC, no volume key, data capture
    without a key (the one failure Custodian's endpoint resource can see)."""
    model(sm, name, compliant)
    config: dict[str, Any] = {
        "EndpointConfigName": name,
        "ProductionVariants": [
            {"VariantName": "AllTraffic", "ModelName": name, "InitialInstanceCount": 2, "InstanceType": "ml.m5.large"}
        ],
        "Tags": [OWNER],
    }
    if compliant:
        config["KmsKeyId"] = KEY
    else:
        config["DataCaptureConfig"] = {
            "EnableCapture": True,
            "InitialSamplingPercentage": 10,
            "DestinationS3Uri": "s3://capture/",
            "CaptureOptions": [{"CaptureMode": "Input"}],
        }
    sm.create_endpoint_config(**config)
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name, Tags=tags(status))


CREATE = {
    "notebook": notebook,
    "training": training_job,
    "processing": processing_job,
    "transform": transform_job,
    "endpoint": endpoint,
}
#: What a kind's status is while it runs, and what stopping or deleting it leaves (None: gone).
RUNNING = {"notebook": "InService", "training": "InProgress", "processing": "InProgress",
           "transform": "InProgress", "endpoint": "InService"}
CONTAINED: dict[str, set[str | None]] = {
    "notebook": {"Stopping", "Stopped"},
    "training": {"Stopping", "Stopped"},
    "processing": {"Stopping", "Stopped"},
    "transform": {"Stopping", "Stopped"},
    "endpoint": {"Deleting", None},
}


def ended_name(kind: str, i: int) -> str:
    return f"done-{PREFIX[kind]}-{i:05d}"


def seed(pop: dict[str, Any]) -> float:
    """Creates the population, the job history first (as in an account, where the history is
    older than what runs now); returns the seconds it took."""
    sm = client("sagemaker")
    started = time.monotonic()

    def run(calls: list[Any]) -> None:
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            for future in [pool.submit(call) for call in calls]:
                future.result()

    if pop["active"].get("transform") or pop["ended"].get("transform"):
        model(sm, TRANSFORM_MODEL, True)
    run([
        lambda kind=kind, i=i: CREATE[kind](sm, ended_name(kind, i), False, ENDED_STATUSES[i % 3])
        for kind, count in pop["ended"].items()
        for i in range(count)
    ])
    run([
        lambda kind=kind, i=i: CREATE[kind](sm, f"{PREFIX[kind]}-{i:05d}", not bad(i, pop["every"]))
        for kind, count in pop["active"].items()
        for i in range(count)
    ])
    return time.monotonic() - started


def inventory() -> dict[str, str]:
    """Every resource's status (configurations and models: `exists`), by `kind:name`."""
    sm = client("sagemaker")
    found: dict[str, str] = {}
    lists = [
        ("notebook", "list_notebook_instances", "NotebookInstances", "NotebookInstanceName", "NotebookInstanceStatus"),
        ("training", "list_training_jobs", "TrainingJobSummaries", "TrainingJobName", "TrainingJobStatus"),
        ("processing", "list_processing_jobs", "ProcessingJobSummaries", "ProcessingJobName", "ProcessingJobStatus"),
        ("transform", "list_transform_jobs", "TransformJobSummaries", "TransformJobName", "TransformJobStatus"),
        ("endpoint", "list_endpoints", "Endpoints", "EndpointName", "EndpointStatus"),
        ("config", "list_endpoint_configs", "EndpointConfigs", "EndpointConfigName", None),
        ("model", "list_models", "Models", "ModelName", None),
    ]
    for kind, operation, key, name, status in lists:
        for page in sm.get_paginator(operation).paginate():
            found |= {f"{kind}:{r[name]}": r[status] if status else "exists" for r in page[key]}
    return found


def expected(pop: dict[str, Any]) -> dict[str, set[str | None]]:
    """What each resource should be after a correct sweep: the non-compliant active ones
    contained, everything else as seeded."""
    want: dict[str, set[str | None]] = {}
    for kind, count in pop["active"].items():
        for i in range(count):
            name = f"{PREFIX[kind]}-{i:05d}"
            want[f"{kind}:{name}"] = CONTAINED[kind] if bad(i, pop["every"]) else {RUNNING[kind]}
            if kind == "endpoint":
                want[f"config:{name}"] = want[f"model:{name}"] = {"exists"}
    for kind, count in pop["ended"].items():
        for i in range(count):
            want[f"{kind}:{ended_name(kind, i)}"] = {ENDED_STATUSES[i % 3]}
    if pop["active"].get("transform") or pop["ended"].get("transform"):
        want[f"model:{TRANSFORM_MODEL}"] = {"exists"}
    return want


def wrong(found: dict[str, str], pop: dict[str, Any]) -> list[str]:
    """What the sweep got wrong: a non-compliant active resource left running, anything else
    touched."""
    return [f"{name}: {found.get(name)}" for name, want in expected(pop).items() if found.get(name) not in want]


def regime(method: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """Calls the emulator's regime switch (tests/emulator/regimes.py)."""
    url = f"{os.environ['AWS_ENDPOINT_URL'].rstrip('/')}/_guardrail/regime"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    with urllib.request.urlopen(request, timeout=60) as r:
        answer: dict[str, Any] = json.loads(r.read())
    return answer


def run_guardrail(binary: str, concurrency: int, settings: dict[str, Any]) -> dict[str, Any]:
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
    regime("POST", settings)
    started = time.monotonic()
    out = subprocess.run(
        [binary, "scan", "--store", f"dynamodb:{TABLE}", "--topic-arn", topic, "--format", "json",
         "--concurrency", str(concurrency)],
        capture_output=True,
        text=True,
        env=os.environ | {"GUARDRAIL_ACCOUNT_ID": "123456789012", "RUST_LOG": "warn"},
    )
    seconds = time.monotonic() - started
    counted = regime("DELETE")
    recorder("stop-recording")
    summary = json.loads(out.stdout) if out.stdout.strip().startswith("{") else {}
    return {
        "seconds": seconds,
        "exit": out.returncode,
        "summary": summary,
        "stderr": out.stderr[-1500:] if out.returncode not in (0, 1) or not summary else "",
        "requests": requests_by_api(),
        "regime": counted,
    }


def run_custodian(steady: bool, settings: dict[str, Any]) -> dict[str, Any]:
    out_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"c7n-{os.getpid()}"
    policies = [str(HERE / "custodian.yml")] + ([str(HERE / "custodian-steady.yml")] if steady else [])
    recorder("reset-recording")
    recorder("start-recording")
    regime("POST", settings)
    started = time.monotonic()
    done = subprocess.run(
        [str(C7N_VENV / "bin/custodian"), "run", "--cache-period", "0", "-s", str(out_dir),
         "--region", os.environ.get("AWS_REGION", "us-east-1"), *policies],
        capture_output=True,
        text=True,
    )
    seconds = time.monotonic() - started
    counted = regime("DELETE")
    recorder("stop-recording")
    errors = [line for line in done.stderr.splitlines() if "ERROR" in line or "Traceback" in line]
    return {
        "seconds": seconds,
        "exit": done.returncode,
        "stderr": done.stderr[-1500:] if done.returncode else "",
        "errors": errors[:10],
        "error_lines": len(errors),
        "requests": requests_by_api(),
        "regime": counted,
    }


def phase(tool: str, args: argparse.Namespace) -> int:
    """One tool on a fresh emulator (run under with-emulator.sh): seeds the population, turns
    the regime on, runs the tool, turns the regime off, reads what the sweep left; prints one
    JSON line."""
    pop = population(args)
    seeded = seed(pop)
    settings = REGIMES[args.regime]

    def run() -> dict[str, Any]:
        if tool == "guardrail":
            return run_guardrail(args.binary, args.concurrency, settings)
        return run_custodian(pop["name"] == "steady", settings)

    first = run() if args.repeat else None
    result = run()
    if first is not None:
        result["first"] = {
            "seconds": first["seconds"],
            "requests": sum(first["requests"].values()),
            "emulator_busy_seconds": first["regime"].get("busy_seconds", {}),
        }
    result |= {"tool": tool, "seed_seconds": seeded, "wrong": wrong(inventory(), pop)}
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


def describe_population(pop: dict[str, Any], args: argparse.Namespace) -> str:
    active = sum(pop["active"].values())
    kinds = ", ".join(f"{n} {kind}" for kind, n in pop["active"].items() if n)
    ended = ", ".join(f"{n} {kind}" for kind, n in pop["ended"].items() if n)
    share = "half" if pop["every"] == 2 else f"1 in {pop['every']}"
    scale = f" x{args.scale:g}" if pop["name"] == "steady" and args.scale != 1 else ""
    return (f"population {pop['name']}{scale}: {active} active ({kinds}), {share} non-compliant "
            f"({non_compliant(pop)}), plus ended jobs ({ended})")


def non_compliant(pop: dict[str, Any]) -> int:
    return sum(sum(1 for i in range(n) if bad(i, pop["every"])) for n in pop["active"].values())


def report(pop: dict[str, Any], args: argparse.Namespace, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Prints the table; answers the figures for --json."""
    active = sum(pop["active"].values())
    settings = REGIMES[args.regime]
    print(describe_population(pop, args))
    print(f"regime {args.regime}: {json.dumps(settings) if settings else 'none (counting only)'}")
    if args.repeat:
        print("measured: each tool's second sweep")
    rows = {}
    for tool, r in results.items():
        active_wrong = [w for w in r["wrong"] if not w.split(":", 1)[1].startswith(("done-", "bench-"))
                        and not w.startswith(("config:", "model:"))]
        served = sum(r.get("requests", {}).values())
        throttled = sum(r.get("regime", {}).get("throttled", {}).values())
        seen = sum(r.get("regime", {}).get("seen", {}).values())
        rows[tool] = {
            "seconds": round(r["seconds"], 2),
            "correct_active": active - len(active_wrong),
            "active": active,
            "wrong": len(r["wrong"]),
            "wrong_examples": r["wrong"][:5],
            "requests": served,
            "attempts": seen,
            "throttled": throttled,
            "requests_per_active": round(served / active, 2) if active else None,
            "attempts_per_active": round(seen / active, 2) if active else None,
            "seed_seconds": round(r["seed_seconds"], 1),
            "first": r.get("first"),
            "exit": r.get("exit"),
            "requests_by_api": r.get("requests", {}),
            "throttled_by_api": r.get("regime", {}).get("throttled", {}),
            "emulator_busy_seconds": r.get("regime", {}).get("busy_seconds", {}),
        }
    print()
    print("| tool | sweep time | correct | requests (served) | per active resource | throttled | seeding |")
    print("|---|---|---|---|---|---|---|")
    for tool, row in rows.items():
        verdict = "all correct" if not row["wrong"] else f"WRONG {row['wrong']}: {row['wrong_examples']}"
        print(f"| {tool} | {row['seconds']:.1f} s | {row['correct_active']}/{active} active right, {verdict} | "
              f"{row['requests']} | {row['requests_per_active']} | {row['throttled']} "
              f"({row['attempts']} attempts) | {row['seed_seconds']:.0f} s |")
    print()
    for tool, row in rows.items():
        if row["first"]:
            busy = row["first"]["emulator_busy_seconds"]
            top = max(busy.items(), key=lambda kv: kv[1], default=("nothing", 0.0))
            print(f"{tool}: the first sweep (not measured above) took {row['first']['seconds']:.1f} s and "
                  f"{row['first']['requests']} requests; the emulator spent {sum(busy.values()):.1f} s "
                  f"answering it, {top[1]:.1f} s of it on {top[0]}")
    for tool, r in results.items():
        if tool == "guardrail":
            summary = r.get("summary", {})
            if "inspected_ms" in summary:
                print(f"guardrail: exit {r.get('exit')}; every resource contained and alerted after "
                      f"{summary['inspected_ms'] / 1000:.1f} s; {summary.get('alerts')} alerts, "
                      f"{summary.get('attributed_late')} creators filled in after")
            else:
                print(f"guardrail: exit {r.get('exit')}; summary {summary}")
        else:
            print(f"custodian: exit {r.get('exit')}; {r.get('error_lines', 0)} error lines in its log")
            for line in r.get("errors", [])[:3]:
                print(f"    {line[:200]}")
        if r.get("stderr"):
            print(f"  stderr: {r['stderr'][-600:]}")
    for tool, row in rows.items():
        busy = row["emulator_busy_seconds"]
        top = sorted(busy.items(), key=lambda kv: -kv[1])[:3]
        print(f"{tool}: the emulator spent {sum(busy.values()):.1f} s answering it (the time its requests "
              f"spent in it, summed: concurrent ones overlap; added latency left out), most on "
              + ", ".join(f"{api} {seconds:.1f} s" for api, seconds in top))
    if results["guardrail"]["seconds"] > 0:
        print(f"speed-up: {results['custodian']['seconds'] / results['guardrail']['seconds']:.2f}x "
              "(Custodian's wall time over the guardrail's)")
    for tool, row in rows.items():
        print(f"{tool} AWS requests: {row['requests']} served, {row['throttled']} throttled")
        throttled_by_action = {api.split(":", 1)[1]: n for api, n in row["throttled_by_api"].items()}
        for api in row["requests_by_api"]:
            action = api.rsplit(".", 1)[-1]
            extra = f"  (+{throttled_by_action.pop(action)} throttled)" if action in throttled_by_action else ""
            print(f"  {row['requests_by_api'][api]:6d}  {api}{extra}")
        for action, n in throttled_by_action.items():
            print(f"  {0:6d}  {action}  (+{n} throttled)")
    return {"population": pop, "regime": args.regime, "settings": settings, "repeat": args.repeat, "results": rows}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", help="the built guardrail CLI")
    parser.add_argument("--population", choices=["half", "steady"], default="half",
                        help="half: --notebooks notebooks and as many running training jobs, half "
                             "non-compliant, --ended ended jobs; steady: 10,000 active resources of five "
                             "kinds, 2%% non-compliant, 50,000 ended jobs (times --scale)")
    parser.add_argument("--notebooks", type=int, default=1000, help="half: notebooks, and running training jobs")
    parser.add_argument("--ended", type=int, default=5000, help="half: ended training jobs")
    parser.add_argument("--scale", type=float, default=1.0, help="steady: a share of the population (0.05: 500 active)")
    parser.add_argument("--regime", choices=list(REGIMES), default="bare",
                        help="bare; latency: 30 ms on every request; limits: per-API rates (LIMITS)")
    parser.add_argument("--concurrency", type=int, default=16, help="the guardrail's --concurrency")
    parser.add_argument("--json", metavar="OUT", help="also write the figures to OUT as JSON")
    parser.add_argument("--repeat", action="store_true",
                        help="measure each tool's second sweep (the first contains the population and, for "
                             "the guardrail, records every finding): what a scheduled sweep does every time")
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
             "--population", args.population, "--notebooks", str(args.notebooks), "--ended", str(args.ended),
             "--scale", str(args.scale), "--regime", args.regime,
             "--concurrency", str(args.concurrency), "--phase", tool, *(["--repeat"] if args.repeat else [])],
            capture_output=True,
            text=True,
        )
        line = next((l for l in done.stdout.splitlines() if l.startswith("RESULT ")), None)
        if line is None:
            print(f"{tool}: no result (exit {done.returncode})\n{done.stderr[-3000:]}", file=sys.stderr)
            return 1
        results[tool] = json.loads(line.removeprefix("RESULT "))
    figures = report(population(args), args, results)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
