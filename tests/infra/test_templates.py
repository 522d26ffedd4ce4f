"""Infrastructure tests: the CloudFormation templates in ``infra/`` against the code.

Run by ``tests/run.sh`` (``python -m unittest discover tests/infra``) with the emulator's URL in
``AWS_ENDPOINT_URL``. What they check:

* ``cfn-lint`` passes on both templates, with no error and no warning;
* least privilege: each function's IAM policy grants exactly the AWS actions its code calls, and
  the member role exactly what the central functions call through it (derived from the Rust
  sources, see :func:`code_actions`); resources are scoped wherever the service allows;
* the event patterns of the deployed rules equal ``infra/event-pattern-*.json``, and, routed by
  the emulator's EventBridge to an SQS queue, match exactly the sample events in ``events/`` that
  the inspector acts on;
* the findings table declares the keys and indexes the code creates
  (``shared/aws/src/dynamodb_table.rs``);
* retries: Lambda retries the inspector's failed invocations and the sweeper's fan-out, both send
  what still fails to the failure queue, and the inspector's rules and the schedule retry and
  dead-letter;
* the member role trusts only the central functions' execution roles (with the external id), and
  the central stack outputs their ARNs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import unittest
import uuid
from pathlib import Path
from typing import Any

from cfnlint.decode import cfn_yaml

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
CENTRAL = INFRA / "template.yaml"
MEMBER = INFRA / "member.yaml"

#: Actions the code calls that IAM does not control (AWS: "No permissions are required to
#: perform this operation").
NO_PERMISSION_NEEDED = {"sts:GetCallerIdentity"}

#: Actions the platform performs on a function's behalf, with no SDK call in our code: granted
#: in the template and allowed here, each for its reason.
PLATFORM_ACTIONS = {
    "kms:Decrypt": "publish to the SNS topic / use the DynamoDB table encrypted with the stack's key",
    "kms:GenerateDataKey": "publish to the SNS topic / use the DynamoDB table encrypted with the stack's key",
    "sqs:SendMessage": "Lambda's on-failure destination queue (the inspector also keeps rejected events there)",
}

#: Managed policies a function may have: CloudWatch Logs only.
ALLOWED_MANAGED = {"AWSLambdaBasicExecutionRole"}

#: Actions for which IAM offers no resource-level permission: ``Resource: "*"`` is the only form.
STAR_ONLY = {
    "ec2:DescribeSubnets",
    "cloudtrail:LookupEvents",
    "sagemaker:ListNotebookInstances",
    "sagemaker:ListTrainingJobs",
    "sagemaker:Search",
    "tag:GetResources",
    "sagemaker:ListProcessingJobs",
    "sagemaker:ListTransformJobs",
    "sagemaker:ListHyperParameterTuningJobs",
    "sagemaker:ListEndpoints",
    "sagemaker:ListDomains",
    "sagemaker:ListUserProfiles",
    "sagemaker:ListSpaces",
    "sagemaker:ListApps",
    "sagemaker:ListMonitoringSchedules",
    "sagemaker:ListClusters",
    "sagemaker:ListAutoMLJobs",
    "sagemaker:ListFeatureGroups",
    "sagemaker:ListCompilationJobs",
    "sagemaker:ListLabelingJobs",
    "sagemaker:ListOptimizationJobs",
    "sagemaker:ListModelPackages",
    "sagemaker:ListMlflowTrackingServers",
    "sagemaker:ListMlflowApps",
    "sagemaker:ListInferenceExperiments",
    "sagemaker:ListInferenceRecommendationsJobs",
    "sagemaker:ListFlowDefinitions",
    # The accounts and units are resources of the management account, which the template does
    # not know (the functions run in a delegated administrator account).
    "organizations:DescribeAccount",
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent",
}

# --------------------------------------------------------------------------------------------
# What the code calls


def code_text(path: Path) -> str:
    """The Rust source without comments and without ``use``/``mod`` lines (which name modules
    and types without calling them)."""
    kept = []
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("//") or re.match(r"(pub(\(\w+\))? )?(use|mod) ", stripped):
            continue
        kept.append(line)
    return "\n".join(kept)


def snake_to_pascal(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


class Adapter:
    """One adapter source file: the names it defines and the AWS actions it calls."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # (with its submodules: `x.rs` and the files of `x/`)
        parts = [path] + sorted(path.with_suffix("").glob("*.rs"))
        source = "\n".join(p.read_text() for p in parts)
        # What another adapter that holds or calls this one names: its structs, or the functions
        # of a file of functions (the Studio calls).
        self.held = set(re.findall(r"^pub struct (\w+)", source, re.M))
        if not self.held:
            self.held = set(re.findall(r"^pub (?:async )?fn (\w+)", source, re.M))
        text = "\n".join(code_text(p) for p in parts)
        self.names = set(re.findall(r"^pub struct (\w+)", source, re.M))
        self.names |= set(re.findall(r"^pub (?:async )?fn (\w+)", source, re.M))
        services = set(re.findall(r"\baws_sdk_(\w+)::", source))
        calls = {
            # `client.call(` in code, `client.call,` as a macro argument.
            m for m in re.findall(r"\bclient\s*\.\s*([a-z][a-z0-9_]*)\s*[(,]", text) if m != "config"
        }
        if calls and len(services) != 1:
            raise AssertionError(f"{path}: SDK calls with services {services}: cannot attribute them")
        prefix = next(iter(services), "")
        self.actions = {f"{prefix}:{snake_to_pascal(c)}" for c in calls}
        # A transaction is authorised as the writes it holds ("Using IAM with DynamoDB
        # transactions"): the item types the code builds.
        if "dynamodb:TransactWriteItems" in self.actions:
            self.actions.discard("dynamodb:TransactWriteItems")
            writes = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                      "ConditionCheck": "ConditionCheckItem"}
            self.actions |= {f"dynamodb:{a}" for t, a in writes.items() if re.search(rf"\b{t}::builder\(", text)}
        # Calls authorised under another action's name.
        self.actions = {IAM_NAME.get(a, a) for a in self.actions}
        implicit = re.search(r"IMPLICIT_ACTIONS: &\[&str\] = &\[(.*?)\];", source, re.S)
        if implicit:
            self.actions |= set(re.findall(r'"([a-z0-9]+:\w+)"', implicit.group(1)))
        self.text = text


#: API calls whose IAM action has another name (SQS authorises a batch as its messages; the SDK
#: writes SageMaker's "AutoML" as "AutoMl" in its method names; the tagging API's actions are
#: "tag:", its SDK crate "resourcegroupstagging").
IAM_NAME = {
    "sqs:SendMessageBatch": "sqs:SendMessage",
    "sagemaker:DescribeAutoMlJobV2": "sagemaker:DescribeAutoMLJobV2",
    "sagemaker:StopAutoMlJob": "sagemaker:StopAutoMLJob",
    "sagemaker:ListAutoMlJobs": "sagemaker:ListAutoMLJobs",
    "resourcegroupstagging:GetResources": "tag:GetResources",
}

DEPLOYMENT = ROOT / "shared/aws/src/deployment.rs"


CALLS_TABLE = ROOT / "shared/aws/src/calls.rs"


def adapters() -> list[Adapter]:
    """The adapter files; the wiring point (``deployment.rs``) is followed method by method
    instead (see ``deployment_reached``), and the table of each kind's SDK calls (``calls.rs``)
    function by function (see ``table_adapters``)."""
    files = sorted(f for f in (ROOT / "shared/aws/src").glob("*.rs") if f not in (DEPLOYMENT, CALLS_TABLE))
    return [Adapter(f) for f in files] + table_adapters()


def table_adapters() -> list[Adapter]:
    """The functions ``sdk_kinds!`` generates, each an adapter of the calls its entries name:
    ``describe_kind`` the ``describe`` calls, ``stop_kind`` the ``stop`` calls, ``list_kind``
    the ``list`` calls."""
    text = code_text(CALLS_TABLE)
    table = text[text.index("sdk_kinds! {"):]
    found = []
    for function, word in [("describe_kind", "describe"), ("stop_kind", "stop"), ("list_kind", "list")]:
        calls = set(re.findall(rf"\b{word}\s+([a-z][a-z0-9_]*)", table))
        assert calls, f"no {word} calls in the sdk_kinds! table"
        adapter = Adapter(CALLS_TABLE)
        adapter.path = CALLS_TABLE.with_name(f"calls.rs#{function}")
        adapter.names = {function}
        adapter.actions = {IAM_NAME.get(a, a) for a in (f"sagemaker:{snake_to_pascal(c)}" for c in calls)}
        adapter.text = ""
        adapter.held = {function}
        found.append(adapter)
    return found


def deployment_reached(text: str) -> list[str]:
    """The bodies of the ``Deployment`` methods ``text`` calls, and of those they call."""
    parts = re.split(r"\n    (?:pub )?(?:async )?fn (\w+)", code_text(DEPLOYMENT))
    methods = {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}
    called: dict[str, str] = {}
    frontier = [text]
    while frontier:
        t = frontier.pop()
        for name, body in methods.items():
            if name not in called and re.search(rf"(\.|::){name}\(", t):
                called[name] = body
                frontier.append(body)
    return list(called.values())


def mentions(text: str, names: set[str]) -> bool:
    return any(re.search(rf"\b{re.escape(n)}\b", text) for n in names)


def code_actions(main: Path) -> set[str]:
    """The AWS actions a function's code can call: the SDK calls (and declared implicit
    actions) of every adapter reachable from its ``main.rs`` by name."""
    pool = adapters()
    texts = [code_text(main)]
    texts += deployment_reached(texts[0])
    reached: set[Path] = set()
    while True:
        new = [a for a in pool if a.path not in reached and any(mentions(t, a.names) for t in texts)]
        if not new:
            break
        for a in new:
            reached.add(a.path)
            texts.append(a.text)
    return set().union(*(a.actions for a in pool if a.path in reached))


def member_actions() -> set[str]:
    """What the central functions call through the member role: the adapters their code (and
    the wiring it reaches) builds per account (``PerAccount::new(.., |c| X::new(..))``)."""
    pool = adapters()
    built = set()
    mains = [code_text(path) for path in ROOT.glob("functions/*/src/main.rs")]
    for text in mains + [body for main in mains for body in deployment_reached(main)]:
        # (a closure over the account's configuration, or the constructor itself)
        for closure, constructor in re.findall(
            r"PerAccount::new\([^;]*?(?:\|c\|\s*\{?\s*(\w+)::new|,\s*(\w+)::new\s*\))", text, re.S
        ):
            built.add(closure or constructor)
    reached = [a for a in pool if a.names & built]
    # An adapter built per account may hold another (SageMaker asks KmsKeys who manages a key)
    # or call the table of SDK calls (SageMaker describes and stops, the inventory lists).
    reached += [b for b in pool if b not in reached and any(mentions(a.text, b.held) for a in reached)]
    return set().union(*(a.actions for a in reached))


# --------------------------------------------------------------------------------------------
# What the templates grant


def load(path: Path) -> dict[str, Any]:
    return cfn_yaml.load(str(path))


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def conditional(statements: list[Any]) -> list[dict[str, Any]]:
    """The statements, those under ``Fn::If`` counted in whichever branch holds one (a grant
    made only with an organization is still a grant)."""
    found = []
    for s in statements:
        if "Fn::If" in s:
            found += [b for b in s["Fn::If"][1:] if "Ref" not in b]
        else:
            found.append(s)
    return found


def statements_of_policies(policies: list[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Inline statements and managed policy names of a SAM ``Policies`` list or an IAM role's
    ``Policies``/``ManagedPolicyArns``."""
    statements: list[dict[str, Any]] = []
    managed: list[str] = []
    for p in policies:
        if isinstance(p, str):
            managed.append(p)
        elif "Statement" in p:
            statements.extend(conditional(as_list(p["Statement"])))
        elif "PolicyDocument" in p:
            statements.extend(conditional(as_list(p["PolicyDocument"]["Statement"])))
        else:
            managed.extend(str(v) for v in p.values())
    # A managed policy by name (SAM) or by ARN (IAM, possibly a Fn::Sub): its name either way.
    return statements, [m.rsplit("/", 1)[-1] for m in managed]


def referenced(value: Any) -> str | None:
    """The logical id a ``Ref`` or ``Fn::GetAtt`` (either form) names, else None."""
    if isinstance(value, dict) and len(value) == 1:
        (key, arg), = value.items()
        if key == "Ref" and isinstance(arg, str):
            return arg
        if key == "Fn::GetAtt":
            return arg[0] if isinstance(arg, list) else str(arg).split(".")[0]
    return None


def execution_role(template: dict[str, Any], function_id: str) -> str:
    """The logical id of the ``AWS::IAM::Role`` a function runs as (its SAM ``Role``)."""
    props = template["Resources"][function_id]["Properties"]
    role = referenced(props.get("Role"))
    if role is None or template["Resources"].get(role, {}).get("Type") != "AWS::IAM::Role":
        raise AssertionError(f"{function_id}: Role is not a GetAtt of a role of this template: {props.get('Role')!r}")
    return role


def function_grants(template: dict[str, Any], logical_id: str) -> tuple[list[dict[str, Any]], list[str]]:
    """What a function may do: its SAM ``Policies`` when SAM creates its role, else the inline
    and managed policies of its explicit execution role and of every ``AWS::IAM::Policy`` or
    ``AWS::IAM::ManagedPolicy`` of the template attached to that role."""
    props = template["Resources"][logical_id]["Properties"]
    if "Role" not in props:
        return statements_of_policies(as_list(props.get("Policies", [])))
    if "Policies" in props:
        raise AssertionError(f"{logical_id}: SAM ignores Policies when Role is set")
    role = execution_role(template, logical_id)
    role_props = template["Resources"][role]["Properties"]
    statements, managed = statements_of_policies(
        as_list(role_props.get("Policies", [])) + as_list(role_props.get("ManagedPolicyArns", []))
    )
    for resource in template["Resources"].values():
        if resource["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy") and role in {
            referenced(r) for r in as_list(resource["Properties"].get("Roles", []))
        }:
            statements.extend(as_list(resource["Properties"]["PolicyDocument"]["Statement"]))
    return statements, managed


def granted(statements: list[dict[str, Any]]) -> set[str]:
    actions: set[str] = set()
    for s in statements:
        if s.get("Effect") != "Allow":
            continue
        actions |= set(as_list(s["Action"]))
    return actions


def member_role(template: dict[str, Any]) -> dict[str, Any]:
    """The role the central functions assume: named after the ``MemberRoleName`` parameter."""
    roles = [
        r for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Role" and r["Properties"].get("RoleName") == {"Ref": "MemberRoleName"}
    ]
    if len(roles) != 1:
        raise AssertionError(f"expected one member role, found {len(roles)}")
    return roles[0]


# --------------------------------------------------------------------------------------------


class Lint(unittest.TestCase):
    def test_cfn_lint_passes_on_both_templates(self) -> None:
        result = subprocess.run(
            [str(Path(sys.executable).with_name("cfn-lint")), str(CENTRAL), str(MEMBER)],
            capture_output=True,
            text=True,
            check=False,
        )
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertEqual(result.stdout.strip(), "")


class LeastPrivilege(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls) -> None:
        cls.central = load(CENTRAL)
        cls.member = load(MEMBER)

    def check_function(self, logical_id: str, binary: str) -> None:
        derived = code_actions(ROOT / "functions" / binary / "src/main.rs") - NO_PERMISSION_NEEDED
        statements, managed = function_grants(self.central, logical_id)
        actions = granted(statements)
        self.assertEqual(sorted(derived - actions), [], f"{logical_id}: called by the code, not granted")
        self.assertEqual(
            sorted(actions - derived - set(PLATFORM_ACTIONS)),
            [],
            f"{logical_id}: granted, never called by the code",
        )
        self.assertEqual(sorted(set(managed) - ALLOWED_MANAGED), [], f"{logical_id}: managed policies")
        for s in statements:
            resources = as_list(s["Resource"])
            if "*" in resources:
                self.assertEqual(
                    sorted(set(as_list(s["Action"])) - STAR_ONLY),
                    [],
                    f"{logical_id}: Resource * on actions that can be scoped ({s.get('Sid')})",
                )

    def test_inspector_policy_is_exactly_what_its_code_calls(self) -> None:
        self.check_function("InspectorFunction", "inspector")

    def test_sweeper_policy_is_exactly_what_its_code_calls(self) -> None:
        self.check_function("SweeperFunction", "sweeper")

    def test_derivation_sees_the_sweeper_listing_and_not_the_inspector(self) -> None:
        inspector = code_actions(ROOT / "functions/inspector/src/main.rs")
        sweeper = code_actions(ROOT / "functions/sweeper/src/main.rs")
        self.assertIn("sagemaker:StopTransformJob", inspector)
        self.assertIn("sts:AssumeRole", inspector)
        fan_out = {"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"}
        # (and it empties the member accounts' forwarding dead-letter queues, found by name)
        fan_out |= {"sqs:GetQueueUrl"}
        # (the inspector lists a Studio domain's apps, and a profile's private spaces, to delete them)
        studio = {"sagemaker:ListApps", "sagemaker:ListSpaces"}
        self.assertTrue(studio <= inspector, sorted(studio - inspector))
        # (the sweeper lists, reads training jobs and endpoints in bulk with Search, and other
        # kinds' tags in bulk with the tagging API)
        listing = {
            a for a in sweeper if a.startswith("sagemaker:List") and a != "sagemaker:ListTags"
        } - studio
        listing |= {"sagemaker:Search", "tag:GetResources"}
        # (both ask Organizations: the inspector whether an event's account is a member)
        self.assertIn("organizations:DescribeAccount", inspector)
        self.assertEqual(sorted(sweeper - inspector), sorted(listing | (fan_out - inspector)))
        self.assertTrue(fan_out <= sweeper, sorted(fan_out - sweeper))
        self.assertFalse(any("CreateTable" in a for a in inspector | sweeper))

    def test_member_role_grants_what_the_central_functions_call_through_it(self) -> None:
        role = member_role(self.member)
        statements, managed = statements_of_policies(as_list(role["Properties"].get("Policies", [])))
        self.assertEqual(managed, [])
        derived = member_actions()
        self.assertIn("sagemaker:ListTrainingJobs", derived)
        self.assertEqual(sorted(granted(statements) ^ derived), [])
        trust = json.dumps(role["Properties"]["AssumeRolePolicyDocument"])
        self.assertIn("sts:ExternalId", trust)


def event_invoke_configs(template: dict[str, Any], function_id: str) -> list[dict[str, Any]]:
    """Every asynchronous-invocation configuration that applies to a function: its SAM
    ``EventInvokeConfig`` (or the Globals' one), and each ``AWS::Lambda::EventInvokeConfig``
    whose ``FunctionName`` refers to it."""
    found = []
    props = template["Resources"][function_id]["Properties"]
    own = props.get("EventInvokeConfig", template.get("Globals", {}).get("Function", {}).get("EventInvokeConfig"))
    if own is not None:
        found.append(own)
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Lambda::EventInvokeConfig" and referenced(resource["Properties"].get("FunctionName")) == function_id:
            found.append(resource["Properties"])
    return found


def only_resource(template: dict[str, Any], resource_type: str) -> str:
    ids = [k for k, r in template["Resources"].items() if r["Type"] == resource_type]
    if len(ids) != 1:
        raise AssertionError(f"expected one {resource_type}, found {ids}")
    return ids[0]


class Retries(unittest.TestCase):
    """Who retries what: the inspector's failures are worth retrying (a describe, stop or publish
    that failed), and so is the scheduled sweep's fan-out, within the sweep queue's five-minute
    deduplication window (a repeated fan-out enqueues nothing new); whatever still fails lands in
    the failure queue."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.central = load(CENTRAL)
        inspector = cls.central["Resources"]["InspectorFunction"]["Properties"]
        failure_queue = referenced(inspector["Environment"]["Variables"]["FAILURE_QUEUE_URL"])
        cls.queue = {"Fn::GetAtt": [failure_queue, "Arn"]}

    def assert_invoke_config(self, function_id: str, retries: int) -> None:
        configs = event_invoke_configs(self.central, function_id)
        self.assertEqual(len(configs), 1, f"{function_id}: asynchronous invocation configurations")
        self.assertEqual(configs[0].get("MaximumRetryAttempts"), retries, f"{function_id}: MaximumRetryAttempts")
        on_failure = configs[0]["DestinationConfig"]["OnFailure"]
        self.assertEqual(on_failure.get("Type", "SQS"), "SQS", function_id)
        self.assertEqual(on_failure["Destination"], self.queue, f"{function_id}: on-failure destination")

    def test_lambda_retries_the_inspector_and_the_fan_out(self) -> None:
        self.assert_invoke_config("InspectorFunction", 2)  # the maximum for asynchronous invocation
        self.assert_invoke_config("SweeperFunction", 2)  # 1 then 2 minutes later: within 5

    def test_rules_retry_and_dead_letter_and_the_schedule_retries_within_the_dedup_window(self) -> None:
        inspector = self.central["Resources"]["InspectorFunction"]["Properties"]["Events"]
        rules = {k: e["Properties"] for k, e in inspector.items() if e["Type"] in ("EventBridgeRule", "CloudWatchEvent")}
        self.assertEqual(sorted(rules), ["ApiCalls", "StateChanges"])
        for name, rule in rules.items():
            self.assertGreater(rule["RetryPolicy"]["MaximumRetryAttempts"], 0, name)
            self.assertEqual(rule["DeadLetterConfig"]["Arn"], self.queue, name)
        sweeper = self.central["Resources"]["SweeperFunction"]["Properties"]["Events"]
        (schedule,) = [e["Properties"] for e in sweeper.values() if e["Type"] in ("Schedule", "ScheduleV2")]
        self.assertGreater(schedule["RetryPolicy"]["MaximumRetryAttempts"], 0)
        self.assertLessEqual(schedule["RetryPolicy"]["MaximumEventAgeInSeconds"], 300)
        self.assertEqual(schedule["DeadLetterConfig"]["Arn"], self.queue)

    def test_the_inspector_keeps_rejected_events_in_the_failure_queue(self) -> None:
        """C16: the queue the inspector sends malformed events to is the failure queue, which
        its role may write to."""
        props = self.central["Resources"]["InspectorFunction"]["Properties"]
        url = props["Environment"]["Variables"]["FAILURE_QUEUE_URL"]
        self.assertEqual(url, {"Ref": self.queue["Fn::GetAtt"][0]})
        statements, _ = function_grants(self.central, "InspectorFunction")
        writes = [s for s in statements if "sqs:SendMessage" in as_list(s["Action"])]
        recheck = {"Fn::GetAtt": ["RecheckQueue", "Arn"]}
        self.assertEqual([as_list(s["Resource"]) for s in writes], [[self.queue], [recheck]])

    def test_deferred_containment_is_re_checked_from_a_queue_that_keeps_what_fails(self) -> None:
        """Issue 19, case 12: the inspector queues re-checks on the re-check queue, which is its
        event source with partial batch failures, and which keeps a message that failed three
        times in the failure queue."""
        resources = self.central["Resources"]
        props = resources["InspectorFunction"]["Properties"]
        self.assertEqual(props["Environment"]["Variables"]["RECHECK_QUEUE_URL"], {"Ref": "RecheckQueue"})
        source = props["Events"]["Rechecks"]["Properties"]
        self.assertEqual(source["Queue"], {"Fn::GetAtt": ["RecheckQueue", "Arn"]})
        self.assertEqual(source["FunctionResponseTypes"], ["ReportBatchItemFailures"])
        queue = resources["RecheckQueue"]["Properties"]
        self.assertEqual(queue["RedrivePolicy"]["deadLetterTargetArn"], self.queue)
        self.assertGreaterEqual(queue["VisibilityTimeout"], 6 * props["Timeout"])
        self.assertNotIn("FifoQueue", queue, "per-message delays need a standard queue")


class SweepFanOut(unittest.TestCase):
    """Issue 10: the schedule fans the sweep out on a queue, one message per target; the sweeper
    consumes it one target per invocation, at bounded concurrency, reporting partial batch
    failures; what still fails after the retries is kept in a dead-letter queue under an alarm."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.central = load(CENTRAL)
        cls.resources = cls.central["Resources"]
        cls.sweeper = cls.resources["SweeperFunction"]["Properties"]

    def test_the_sweeper_consumes_the_queue_it_fans_out_on(self) -> None:
        (source,) = [e["Properties"] for e in self.sweeper["Events"].values() if e["Type"] == "SQS"]
        queue_id = referenced(source["Queue"])
        self.assertEqual(referenced(self.sweeper["Environment"]["Variables"]["SWEEP_QUEUE_URL"]), queue_id)
        self.assertEqual(source["BatchSize"], 1, "one target per invocation")
        self.assertEqual(source["FunctionResponseTypes"], ["ReportBatchItemFailures"])
        limit = referenced(source["ScalingConfig"]["MaximumConcurrency"])
        self.assertGreaterEqual(self.central["Parameters"][limit]["MinValue"], 2, "Lambda's minimum")
        queue = self.resources[queue_id]["Properties"]
        self.assertTrue(queue["FifoQueue"], "deduplicated by sweep and target")
        self.assertGreaterEqual(queue["VisibilityTimeout"], 6 * self.sweeper["Timeout"])
        dead_letters = referenced(queue["RedrivePolicy"]["deadLetterTargetArn"])
        self.assertGreater(queue["RedrivePolicy"]["maxReceiveCount"], 1, "retried before kept")
        self.assertTrue(self.resources[dead_letters]["Properties"]["FifoQueue"])
        watched = [
            r["Properties"] for r in self.resources.values()
            if r["Type"] == "AWS::CloudWatch::Alarm"
            and any(referenced(d["Value"]) == dead_letters for d in r["Properties"].get("Dimensions", []))
        ]
        self.assertEqual(len(watched), 1, "an alarm on the sweep dead-letter queue")


class MemberTrust(unittest.TestCase):
    """The member role can stop and delete SageMaker resources in every account: only the central
    functions' execution roles may assume it, not any principal of the central account."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.central = load(CENTRAL)
        cls.member = load(MEMBER)

    def test_member_role_trusts_only_the_central_function_roles(self) -> None:
        trust = member_role(self.member)["Properties"]["AssumeRolePolicyDocument"]
        (statement,) = as_list(trust["Statement"])
        self.assertEqual(statement["Effect"], "Allow")
        self.assertEqual(as_list(statement["Action"]), ["sts:AssumeRole"])
        # The account root as principal (a role ARN principal breaks silently when the role is
        # recreated), narrowed by the condition to the exact role ARNs.
        self.assertEqual(statement["Principal"], {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${CentralAccountId}:root"}})
        condition = statement["Condition"]
        self.assertEqual(condition["StringEquals"], {"sts:ExternalId": {"Ref": "ExternalId"}})
        arn_conditions = {op: keys for op, keys in condition.items() if op in ("ArnEquals", "ArnLike")}
        self.assertEqual(list(arn_conditions.values()), [{"aws:PrincipalArn": {"Ref": "CentralFunctionRoleArns"}}])
        self.assertEqual(sorted(condition), sorted(["StringEquals", *arn_conditions]))
        parameter = self.member["Parameters"].get("CentralFunctionRoleArns", {})
        self.assertEqual(parameter.get("Type"), "CommaDelimitedList")
        self.assertNotIn("Default", parameter, "required: no default")

    def test_central_stack_outputs_both_function_role_arns(self) -> None:
        outputs = {k: o["Value"] for k, o in self.central.get("Outputs", {}).items()}
        roles = [execution_role(self.central, f) for f in ("InspectorFunction", "SweeperFunction")]
        self.assertEqual(len(set(roles)), 2, "one execution role per function")
        for role in roles:
            self.assertIn({"Fn::GetAtt": [role, "Arn"]}, outputs.values(), f"an output with {role}'s ARN")
        # and the value to give member.yaml's CentralFunctionRoleArns as is
        self.assertEqual(
            outputs.get("CentralFunctionRoleArns"),
            {"Fn::Join": [",", [{"Fn::GetAtt": [r, "Arn"]} for r in roles]]},
        )


class EventPatterns(unittest.TestCase):
    """The deployed rules' patterns, and what they match on the emulator's EventBridge."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.central = load(CENTRAL)
        cls.patterns = {
            name: json.loads((INFRA / f"event-pattern-{name}.json").read_text())
            for name in ("cloudtrail", "state-change")
        }

    def rule_patterns(self, template: dict[str, Any]) -> list[Any]:
        found = []
        for resource in template["Resources"].values():
            pattern = resource.get("Properties", {}).get("EventPattern")
            if resource["Type"] == "AWS::Events::Rule" and pattern and pattern.get("source") == ["aws.sagemaker"]:
                found.append(pattern)
            for event in resource.get("Properties", {}).get("Events", {}).values():
                if event.get("Type") in ("EventBridgeRule", "CloudWatchEvent"):
                    found.append(event["Properties"]["Pattern"])
        return found

    def test_templates_deploy_exactly_the_pattern_files(self) -> None:
        expected = sorted(json.dumps(p, sort_keys=True) for p in self.patterns.values())
        for path in (CENTRAL, MEMBER):
            got = sorted(json.dumps(p, sort_keys=True) for p in self.rule_patterns(load(path)))
            self.assertEqual(got, expected, path.name)

    def test_cloudtrail_pattern_drops_failed_calls(self) -> None:
        self.assertEqual(self.patterns["cloudtrail"]["detail"]["errorCode"], [{"exists": False}])

    def test_patterns_match_exactly_the_samples_the_inspector_acts_on(self) -> None:
        import boto3  # the emulator's client: only this test needs it

        endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
        if not endpoint.startswith("http://127.0.0.1"):
            self.fail("AWS_ENDPOINT_URL does not point at the local emulator: run tests/run.sh")
        region = os.environ.get("AWS_REGION", "us-east-1")
        events = boto3.client("events", endpoint_url=endpoint, region_name=region)
        sqs = boto3.client("sqs", endpoint_url=endpoint, region_name=region)
        bus = f"guardrail-{uuid.uuid4().hex[:12]}"
        events.create_event_bus(Name=bus)
        queue = sqs.create_queue(QueueName=bus)["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        for name, pattern in self.patterns.items():
            events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(pattern))
            events.put_targets(Rule=name, EventBusName=bus, Targets=[{"Id": "queue", "Arn": queue_arn}])

        # Given every well-formed sample, sent as its source would send it
        samples = {}
        for path in sorted((ROOT / "events").rglob("*.json")):
            try:
                event = json.loads(path.read_text())
            except json.JSONDecodeError:
                continue  # malformed/truncated.json: not an event anyone can send
            if not isinstance(event, dict) or "detail" not in event:
                continue
            samples[json.dumps(event["detail"], sort_keys=True)] = path.relative_to(ROOT / "events").as_posix()
        entries = [
            {
                "Source": json.loads((ROOT / "events" / p).read_text())["source"],
                "DetailType": json.loads((ROOT / "events" / p).read_text())["detail-type"],
                "Detail": detail,
                "EventBusName": bus,
            }
            for detail, p in samples.items()
        ]
        for i in range(0, len(entries), 10):
            result = events.put_events(Entries=entries[i : i + 10])
            self.assertEqual(result["FailedEntryCount"], 0, result)

        # When the rules route them
        matched: set[str] = set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
            for m in messages:
                detail = json.dumps(json.loads(m["Body"])["detail"], sort_keys=True)
                matched.add(samples.get(detail, f"unknown: {detail[:80]}"))
            if not messages and matched:
                break

        # Then exactly the supported, successful calls and the state changes reach the inspector,
        # plus the two malformed calls whose envelope is valid (the inspector rejects them with an
        # error naming the field); failed calls, other calls and broken envelopes do not
        expected = {
            p
            for p in samples.values()
            if p.split("/")[0]
            in {"notebook", "training", "processing", "transform", "tuning", "endpoint", "studio", "monitoring", "hyperpod", "automl", "features", "compilation", "labeling", "optimization", "registry", "mlflow", "experiments", "a2i"}
            and not p.endswith("create-failed.json")
        } | {"malformed/missing-name.json", "malformed/wrong-types.json"}
        self.assertEqual(sorted(matched), sorted(expected))


class FindingsTable(unittest.TestCase):
    def test_table_declares_the_keys_and_indexes_the_code_uses(self) -> None:
        table = next(
            r["Properties"] for r in load(CENTRAL)["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table"
        )
        code = (ROOT / "shared/aws/src/dynamodb_table.rs").read_text()
        consts = dict(re.findall(r'pub const (\w+): &str = "(\w+)";', (ROOT / "shared/aws/src/dynamodb.rs").read_text()))
        self.assertEqual(
            sorted(a["AttributeName"] for a in table["AttributeDefinitions"]),
            sorted(re.search(r"for name in \[(.*?)\]", code).group(1).replace('"', "").replace(" ", "").split(",")),
        )
        self.assertEqual([(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]], [("pk", "HASH"), ("sk", "RANGE")])
        indexes = {i["IndexName"]: [(k["AttributeName"], k["KeyType"]) for k in i["KeySchema"]] for i in table["GlobalSecondaryIndexes"]}
        self.assertEqual(
            indexes,
            {
                consts["BY_ACCOUNT"]: [("gsi1pk", "HASH"), ("gsi_sk", "RANGE")],
                consts["BY_CONTROL"]: [("gsi2pk", "HASH"), ("gsi_sk", "RANGE")],
                consts["BY_TIME"]: [("gsi3pk", "HASH"), ("gsi_sk", "RANGE")],
            },
        )
        self.assertTrue(table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"])
        self.assertEqual(table["SSESpecification"]["SSEType"], "KMS")


if __name__ == "__main__":
    unittest.main()
