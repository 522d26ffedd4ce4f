"""Cold-start benchmark of the built inspector, run exactly as Lambda runs it.

A small Lambda Runtime API emulator (the `/2018-06-01/runtime/...` endpoints the runtime polls)
drives the binary; the moto-based emulator (started by `tests/emulator/with-emulator.sh`) is
behind it, with seeded notebooks. Prints the time from spawn to the first `/next` poll (the cold
start), the time of each invocation, the peak RSS (`VmHWM` from `/proc`), and the AWS requests
the run made by API (moto's request recorder).

    cargo build --release -p inspector
    tests/emulator/with-emulator.sh python3 tests/bench/coldstart.py target/release/inspector [EVENTS] [POLICY]

With POLICY (a policy file), the function reads it as deployed: from an S3 object on the
emulator (`GUARDRAIL_POLICY=s3://...`), so the cold start includes that `GetObject`; without,
the built-in baseline, read from nowhere.

A benchmark, not a test: it prints numbers and asserts nothing about them.
"""

from __future__ import annotations

import copy
import http.server
import json
import os
import queue
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from recording import recorder, requests_by_api  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "123456789012"
REGION = os.environ.get("AWS_REGION", "us-east-1")


class RuntimeApi(http.server.ThreadingHTTPServer):
    """The Lambda Runtime API: hands out queued events, records when each came back."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.events: queue.Queue[tuple[str, bytes]] = queue.Queue()
        self.first_next: float | None = None
        self.sent: dict[str, float] = {}
        self.done: dict[str, tuple[float, str]] = {}
        #: What each invocation answered (its response or error document).
        self.bodies: dict[str, str] = {}
        self.init_error: str | None = None
        self.lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    server: RuntimeApi

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        if not self.path.endswith("/runtime/invocation/next"):
            self.send_error(404)
            return
        with self.server.lock:
            if self.server.first_next is None:
                self.server.first_next = time.monotonic()
        request_id, body = self.server.events.get()
        with self.server.lock:
            self.server.sent[request_id] = time.monotonic()
        self.send_response(200)
        self.send_header("Lambda-Runtime-Aws-Request-Id", request_id)
        self.send_header("Lambda-Runtime-Deadline-Ms", str(int(time.time() * 1000) + 60_000))
        self.send_header(
            "Lambda-Runtime-Invoked-Function-Arn",
            f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:guardrail-inspector",
        )
        self.send_header("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        payload = self.rfile.read(length).decode(errors="replace")
        parts = self.path.strip("/").split("/")
        if parts[-2:] == ["init", "error"]:
            self.server.init_error = payload
        elif parts[-1] in ("response", "error"):
            with self.server.lock:
                self.server.bodies[parts[-2]] = payload
                self.server.done[parts[-2]] = (time.monotonic(), parts[-1])
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()


def seed(n: int) -> tuple[dict[str, str], list[bytes]]:
    """Notebooks (half without a VPC, so non-compliant), the topic, table and queue the function
    needs, and one state-change event per notebook."""
    sm = boto3.client("sagemaker")
    sns = boto3.client("sns")
    ddb = boto3.client("dynamodb")
    sqs = boto3.client("sqs")
    stamp = str(int(time.time()))
    topic = sns.create_topic(Name=f"coldstart-{stamp}")["TopicArn"]
    table = f"coldstart-{stamp}"
    ddb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    failures = sqs.create_queue(QueueName=f"coldstart-{stamp}")["QueueUrl"]
    template = json.loads((ROOT / "events/notebook/state-change.json").read_text())
    events = []
    for i in range(n):
        name = f"coldstart-{stamp}-{i}"
        extra = {} if i % 2 else {
            "SubnetId": "subnet-0a1b2c3d4e5f60001",
            "SecurityGroupIds": ["sg-0a1b2c3d4e5f60001"],
            # what the baseline's imds-v2 and supported-platform controls ask of a notebook
            "InstanceMetadataServiceConfiguration": {"MinimumInstanceMetadataServiceVersion": "2"},
            "PlatformIdentifier": "notebook-al2023-v1",
        }
        sm.create_notebook_instance(
            NotebookInstanceName=name,
            InstanceType="ml.t3.medium",
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/SageMakerExecutionRole",
            KmsKeyId=f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1111aaaa-22bb-33cc-44dd-555555eeeeee",
            DirectInternetAccess="Disabled",
            RootAccess="Disabled",
            Tags=[{"Key": "owner", "Value": "bench"}],
            **extra,
        )
        event = copy.deepcopy(template)
        event["id"] = f"coldstart-{i}"
        event["detail"]["NotebookInstanceName"] = name
        arn = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/{name}"
        event["detail"]["NotebookInstanceArn"] = arn
        event["resources"] = [arn]
        events.append(json.dumps(event).encode())
    env = {
        "ALERT_TOPIC_ARN": topic,
        "FINDINGS_TABLE": table,
        "FAILURE_QUEUE_URL": failures,
        "GUARDRAIL_ACCOUNT_ID": ACCOUNT,
    }
    return env, events


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    binary = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "target/release/inspector")
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    function_env, events = seed(count)
    if len(sys.argv) > 3:
        s3 = boto3.client("s3")
        bucket = f"coldstart-policy-{int(time.time())}"
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="policy.toml", Body=Path(sys.argv[3]).read_bytes())
        function_env["GUARDRAIL_POLICY"] = f"s3://{bucket}/policy.toml"
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
        "AWS_LAMBDA_LOG_GROUP_NAME": "/aws/lambda/guardrail-inspector",
        "AWS_LAMBDA_LOG_STREAM_NAME": "coldstart",
        "RUST_LOG": "warn",
    }
    recorder("reset-recording")
    recorder("start-recording")
    spawned = time.monotonic()
    process = subprocess.Popen([str(binary)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while len(api.done) < count and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.005)
    rss = peak_rss_kib(process.pid) if process.poll() is None else 0
    process.kill()
    recorder("stop-recording")
    if api.first_next is None:
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        sys.exit(f"the function never polled for an event: {api.init_error or stderr[-2000:]}")
    durations = [
        (api.done[rid][0] - api.sent[rid]) * 1000 for rid in sorted(api.done, key=lambda r: int(r.split("-")[1]))
    ]
    outcomes = [api.done[rid][1] for rid in api.done]
    requests = requests_by_api()
    print(f"binary: {binary} ({binary.stat().st_size / 1e6:.1f} MB)")
    print(f"policy: {function_env.get('GUARDRAIL_POLICY', 'built-in baseline')}")
    print(f"cold start (spawn to first /next): {(api.first_next - spawned) * 1000:.1f} ms")
    print(
        f"invocations: {len(durations)} of {count} ({outcomes.count('response')} responses), "
        f"first {durations[0]:.0f} ms, median {statistics.median(durations):.0f} ms, "
        f"max {max(durations):.0f} ms"
    )
    print(f"peak RSS: {rss / 1024:.1f} MiB")
    total = sum(requests.values())
    print(f"AWS requests: {total} ({total / max(len(durations), 1):.1f} per event)")
    for name, n in sorted(requests.items(), key=lambda kv: -kv[1]):
        print(f"  {n:4d}  {name}")


if __name__ == "__main__":
    main()
