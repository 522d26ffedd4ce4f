"""Issue 18: the deploy path, end to end on the emulator, as a user takes it.

The SAM template is transformed as ``sam deploy`` has CloudFormation do it (``aws-sam-translator``,
offline), created as a stack on the emulator's CloudFormation, and the README's next step is
taken: a policy of more than 16 KB is uploaded to the stack's ``PolicyObject``. Then the built
inspector runs as Lambda runs it (the Runtime API emulator of ``tests/bench/coldstart.py``) with
the environment the stack gave its function and the credentials of the execution role the stack
made, and a sample event goes through: the notebook is stopped under that policy. A broken
version of the policy then stops a new cold start with an error naming the object, the line and
the field, while a running container keeps the last good policy and counts the refusal.

What the emulator cannot do, the test says (``print``) and works around, never silently:

* moto's CloudFormation has no model for some resource types (alarms, event invoke configs,
  topic and queue policies...): they are left out of the emulator's stack and named; the
  infrastructure tests check them statically;
* moto names an unnamed FIFO queue without the ``.fifo`` AWS adds, keeps a key policy as an object
  where ``DescribeKey`` expects text, and answers a Number parameter in a function's environment
  as a JSON number: the test names the FIFO queues, writes the key policy as text and the
  variables as strings, as AWS would hold them;
* moto does not enforce IAM policies: the inspector runs with the stack's role's credentials, and
  ``test_templates.py`` checks what that role may do against the code.
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import unittest
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests/bench"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from coldstart import RuntimeApi  # noqa: E402
from test_metrics import binary, emf_lines  # noqa: E402
from test_templates import CENTRAL, ROOT  # noqa: E402,F811

REGION = os.environ.get("AWS_REGION", "us-east-1")


def translated(code_uri: str) -> dict[str, Any]:
    """The template as CloudFormation holds it after the SAM transform (no network: the
    functions name their roles, so no managed policy is looked up)."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse(CENTRAL.read_text())
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = code_uri  # what `sam deploy` uploads

    def no_managed_policies() -> dict[str, str]:
        return {}

    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=REGION))
    return translator.translate(template, parameter_values={}, get_managed_policy_map=no_managed_policies)


def resolve_conditions(template: dict[str, Any], parameters: dict[str, str]) -> dict[str, Any]:
    """``Fn::If`` and ``AWS::NoValue`` resolved as CloudFormation resolves them for these
    parameters, and resources whose condition is false left out."""
    values = {k: str(v.get("Default", "")) for k, v in template.get("Parameters", {}).items()}
    values.update(parameters)
    conditions: dict[str, bool] = {}

    def value(x: Any) -> Any:
        return values[x["Ref"]] if isinstance(x, dict) and "Ref" in x else x

    def holds(expr: Any) -> bool:
        (key, arg), = expr.items()
        if key == "Fn::Equals":
            return value(arg[0]) == value(arg[1])
        if key == "Fn::Not":
            return not holds(arg[0])
        if key == "Condition":
            return named(arg)
        raise AssertionError(f"condition not understood: {expr}")

    def named(name: str) -> bool:
        if name not in conditions:
            conditions[name] = holds(template["Conditions"][name])
        return conditions[name]

    no_value = object()

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if node == {"Ref": "AWS::NoValue"}:
                return no_value
            if set(node) == {"Fn::If"}:
                cond, yes, no = node["Fn::If"]
                return walk(yes if named(cond) else no)
            out = {k: walk(v) for k, v in node.items()}
            return {k: v for k, v in out.items() if v is not no_value}
        if isinstance(node, list):
            return [v for v in (walk(x) for x in node) if v is not no_value]
        return node

    resolved = walk(template)
    for logical_id in [k for k, r in resolved["Resources"].items() if "Condition" in r and not named(r["Condition"])]:
        del resolved["Resources"][logical_id]
    return resolved


def for_the_emulator(template: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The template as the emulator can create it, and what had to be left out (logical id ->
    type), each named in the test's output."""
    from moto.cloudformation.parsing import get_model_map

    models = get_model_map()
    t = copy.deepcopy(template)
    left_out = {k: r["Type"] for k, r in t["Resources"].items() if r["Type"] not in models}
    for logical_id in left_out:
        del t["Resources"][logical_id]
    text = json.dumps(t)
    for logical_id in left_out:
        for needle in (f'{{"Ref": "{logical_id}"}}', f'"Fn::GetAtt": ["{logical_id}"', "${" + logical_id):
            assert needle not in text, f"{logical_id} was left out but something refers to it"
    for logical_id, resource in t["Resources"].items():
        props = resource.setdefault("Properties", {})
        if resource["Type"] == "AWS::SQS::Queue" and props.get("FifoQueue") and "QueueName" not in props:
            props["QueueName"] = {"Fn::Sub": "${AWS::StackName}-%s.fifo" % logical_id}
        if resource["Type"] == "AWS::KMS::Key":
            props["KeyPolicy"] = as_json_text(props["KeyPolicy"])
        if resource["Type"] == "AWS::Lambda::Function":
            variables = props.get("Environment", {}).get("Variables", {})
            for name, v in variables.items():
                if isinstance(v, dict):
                    variables[name] = {"Fn::Join": ["", [v]]}
    return t, left_out


def as_json_text(document: Any) -> dict[str, Any]:
    """A JSON document holding intrinsics, as one ``Fn::Join`` that renders its text."""
    marks: list[Any] = []

    def walk(node: Any) -> Any:
        if isinstance(node, dict) and len(node) == 1 and next(iter(node)).startswith(("Fn::", "Ref")):
            marks.append(node)
            return f"@@{len(marks) - 1}@@"
        if isinstance(node, dict):
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    chunks = re.split(r'"?@@(\d+)@@"?', json.dumps(walk(document)))
    return {"Fn::Join": ["", [marks[int(c)] if i % 2 else c for i, c in enumerate(chunks) if c != ""]]}


def large_policy() -> str:
    """The example policy grown past 16 KB as an organisation's grows: allow-lists of subnets
    and security groups for many teams, and exemptions."""
    text = (ROOT / "infra/policy.example.toml").read_text()
    subnets = ", ".join(f'"subnet-{i:017x}"' for i in range(1, 401))
    groups = ", ".join(f'"sg-{i:017x}"' for i in range(1, 201))
    text = re.sub(r"allowed_subnets = \[.*\]", f"allowed_subnets = [{subnets}]", text)
    text = re.sub(r"allowed_security_groups = \[.*\]", f"allowed_security_groups = [{groups}]", text)
    expires = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
    for i in range(40):
        text += (
            f'\n[[exemptions]]\nresource = "arn:aws:sagemaker:*:123456789012:training-job/legacy-team-{i}-*"\n'
            f'controls = ["vpc-attached"]\nreason = "team {i}: migration to the shared VPC, ticket SEC-{1000 + i}"\n'
            f"expires = {expires}\n"
        )
    return text


class DeployOnTheEmulator(unittest.TestCase):
    def test_the_stack_deploys_and_enforces_a_16_kb_policy_and_refuses_a_broken_one(self) -> None:
        import boto3

        if not os.environ.get("AWS_ENDPOINT_URL", "").startswith("http://127.0.0.1"):
            self.fail("AWS_ENDPOINT_URL does not point at the local emulator: run tests/run.sh")
        inspector = binary("inspector")
        self.assertTrue(inspector.exists(), f"{inspector}: build it (cargo build --workspace --bins)")
        s3 = boto3.client("s3")
        cfn = boto3.client("cloudformation")
        lam = boto3.client("lambda")
        sm = boto3.client("sagemaker")
        stamp = str(int(time.time() * 1000))

        # Given the template as SAM deploys it (the code zip where `sam deploy` puts it)
        artifacts = f"artifacts-{stamp}"
        s3.create_bucket(Bucket=artifacts)
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as z:
            z.writestr("bootstrap", "#!/bin/sh\n")
        s3.put_object(Bucket=artifacts, Key="guardrail.zip", Body=code.getvalue())
        parameters = {"Mode": "policy", "ExternalId": "guardrail-deploy-test-0001"}
        template = resolve_conditions(translated(f"s3://{artifacts}/guardrail.zip"), parameters)
        kinds = sorted({r["Type"] for r in template["Resources"].values()})
        self.assertIn("AWS::S3::Bucket", kinds)
        emulated, left_out = for_the_emulator(template)
        for logical_id, kind in sorted(left_out.items()):
            print(f"not created on the emulator (no moto model): {logical_id} ({kind})")

        # When it is created as a stack
        stack = f"guardrail-{stamp}"
        cfn.create_stack(
            StackName=stack,
            TemplateBody=json.dumps(emulated),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
            Capabilities=["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"],
        )
        deadline = time.monotonic() + 60
        status = ""
        while time.monotonic() < deadline:
            status = cfn.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
            if not status.endswith("IN_PROGRESS"):
                break
            time.sleep(0.5)
        self.assertEqual(status, "CREATE_COMPLETE")
        outputs = {o["OutputKey"]: o["OutputValue"] for o in cfn.describe_stacks(StackName=stack)["Stacks"][0]["Outputs"]}

        # And the README's next step is taken: a policy of more than 16 KB uploaded to PolicyObject
        policy = large_policy()
        self.assertGreater(len(policy.encode()), 16 * 1024)
        bucket, key = outputs["PolicyObject"].removeprefix("s3://").split("/", 1)
        s3.put_object(Bucket=bucket, Key=key, Body=policy.encode())

        # Then the inspector, with the environment and the role the stack gave its function,
        # stops a notebook without a VPC under that policy
        resources = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in cfn.list_stack_resources(StackName=stack)["StackResourceSummaries"]}
        function = lam.get_function_configuration(FunctionName=resources["InspectorFunction"])
        environment = function["Environment"]["Variables"]
        self.assertEqual(environment["GUARDRAIL_POLICY"], outputs["PolicyObject"])
        self.assertNotIn("GUARDRAIL_POLICY_TOML", environment)
        credentials = boto3.client("sts").assume_role(RoleArn=function["Role"], RoleSessionName="inspector")["Credentials"]
        role_env = {
            "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
            "AWS_SESSION_TOKEN": credentials["SessionToken"],
        }
        name = f"deploy-nb-{stamp}"
        sm.create_notebook_instance(
            NotebookInstanceName=name,
            InstanceType="ml.t3.medium",
            RoleArn="arn:aws:iam::123456789012:role/SageMakerExecutionRole",
            Tags=[{"Key": "owner", "Value": "deploy-test"}],
        )
        run = Function(inspector, {**environment, **role_env, "POLICY_REFRESH_SECONDS": "0"})
        answer = run.invoke(notebook_event(name))
        report = answer["report"]
        version = hashlib.sha256(policy.encode()).hexdigest()[:16]
        self.assertEqual(report["policy"]["version"], version)
        self.assertTrue(report["policy"]["source"].startswith(outputs["PolicyObject"]), report["policy"])
        self.assertEqual(sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"], "Stopped")

        # When a broken version is uploaded
        broken = policy.replace('mode = "audit"                         # many jobs', 'mode = "sometimes"                     # many jobs', 1)
        self.assertNotEqual(broken, policy)
        line = broken[: broken.index('"sometimes"')].count("\n") + 1
        s3.put_object(Bucket=bucket, Key=key, Body=broken.encode())

        # Then the running container keeps the last good policy, and counts the refusal
        second = f"deploy-nb2-{stamp}"
        sm.create_notebook_instance(NotebookInstanceName=second, InstanceType="ml.t3.medium",
                                    RoleArn="arn:aws:iam::123456789012:role/SageMakerExecutionRole")
        answer = run.invoke(notebook_event(second))
        self.assertEqual(answer["report"]["policy"]["version"], version)
        self.assertEqual(sm.describe_notebook_instance(NotebookInstanceName=second)["NotebookInstanceStatus"], "Stopped")
        stdout = run.stop()
        self.assertTrue(any("PolicyRejected" in d for d in emf_lines(stdout)), stdout[-2000:])

        # And a new cold start fails, naming the object, the line and the field
        cold = Function(inspector, {**environment, **role_env})
        error = cold.init_error()
        self.assertIn(outputs["PolicyObject"], error)
        self.assertIn(f"line {line}", error)
        self.assertIn("field controls.network-isolation.mode", error)


def notebook_event(name: str) -> bytes:
    event = json.loads((ROOT / "events/notebook/state-change.json").read_text())
    arn = f"arn:aws:sagemaker:{REGION}:123456789012:notebook-instance/{name}"
    event["id"] = f"deploy-{name}"
    event["detail"]["NotebookInstanceName"] = name
    event["detail"]["NotebookInstanceArn"] = arn
    event["resources"] = [arn]
    return json.dumps(event).encode()


class Function:
    """The built binary run as Lambda runs it, with `environment` (and the emulator's endpoint)."""

    def __init__(self, path: Path, environment: dict[str, str]) -> None:
        self.api = RuntimeApi()
        threading.Thread(target=self.api.serve_forever, daemon=True).start()
        env = {
            "PATH": os.environ.get("PATH", ""),
            "AWS_ENDPOINT_URL": os.environ["AWS_ENDPOINT_URL"],
            "AWS_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            **environment,
            "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{self.api.server_address[1]}",
            "AWS_LAMBDA_FUNCTION_NAME": "guardrail-inspector",
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            "RUST_LOG": "warn",
        }
        self.process = subprocess.Popen([str(path)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.count = 0

    def invoke(self, event: bytes) -> dict[str, Any]:
        self.count += 1
        request = f"request-{self.count}"
        self.api.events.put((request, event))
        deadline = time.monotonic() + 60
        while request not in self.api.done and time.monotonic() < deadline and self.process.poll() is None:
            time.sleep(0.05)
        done = self.api.done.get(request)
        if done is None or done[1] != "response":
            raise AssertionError(f"{request}: {done} {self.api.init_error} {self.stop()[-2000:]}")
        return json.loads(self.api.bodies[request])

    def init_error(self) -> str:
        deadline = time.monotonic() + 30
        while self.api.init_error is None and time.monotonic() < deadline and self.process.poll() is None:
            time.sleep(0.05)
        output = self.stop()
        return (self.api.init_error or "") + output

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.kill()
        output = self.process.communicate()[0].decode(errors="replace")
        self.api.shutdown()
        return output


if __name__ == "__main__":
    unittest.main()
