"""Issue 18: the deploy path fits every AWS limit it touches, and the last security review's
deploy-time findings stay closed.

* each function's environment, at its worst case (every parameter at its longest, every name
  CloudFormation or AWS may generate at AWS's maximum), is at most 4,096 bytes as Lambda
  measures it: the JSON of the variables, "key names, values, quotes, commas, and brackets";
* every parameter is bounded and at most 4,096 bytes (CloudFormation's limit on a value), and
  the policy is not one of them;
* the event patterns are at most 2,048 characters (EventBridge's pattern size quota);
* the member role can only be assumed within the organisation (``aws:ResourceOrgID``), the
  central bus admits only the organisation's forwarding roles, the member rules dead-letter to
  a queue the central sweep empties under an alarm, the KMS key's grant to CloudWatch names its source, no ARN in the
  templates spells the ``aws`` partition, and ``infra/README.md`` says what the template retries.
"""

from __future__ import annotations

import json
import re
import unittest
from pathlib import Path
from typing import Any

from test_templates import CENTRAL, INFRA, MEMBER, ROOT, as_list, load, referenced

#: Lambda: "The maximum size of the variables object that is stored in the function's
#: configuration must not exceed 4096 bytes."
ENVIRONMENT_LIMIT = 4096
#: CloudFormation: "Maximum size of a parameter value: 4,096 bytes".
PARAMETER_LIMIT = 4096
#: EventBridge quotas: "Event pattern size: 2,048 ... Maximum size of an event pattern, in characters."
PATTERN_LIMIT = 2048

#: The longest values AWS gives: the longest partition (aws-us-gov), region (ap-southeast-5,
#: eusc-de-east-1) and DNS suffix (amazonaws.com.cn), and the name limits of each service.
PSEUDO = {"AWS::AccountId": 12, "AWS::Region": 14, "AWS::Partition": 10, "AWS::StackName": 128, "AWS::URLSuffix": 16}
SNS_TOPIC_NAME, DYNAMODB_TABLE_NAME, SQS_QUEUE_NAME, S3_BUCKET_NAME = 256, 255, 80, 63


def longest_ref(template: dict[str, Any], name: str) -> int:
    """The longest value ``Ref name`` can have."""
    if name in PSEUDO:
        return PSEUDO[name]
    if name in template.get("Parameters", {}):
        parameter = template["Parameters"][name]
        if "AllowedValues" in parameter:
            return max(len(str(v)) for v in parameter["AllowedValues"])
        if parameter["Type"] == "Number":
            return max(len(str(parameter.get(k, 0))) for k in ("MinValue", "MaxValue"))
        if "MaxLength" not in parameter:
            raise AssertionError(f"parameter {name} has no MaxLength: its worst case is unbounded")
        return int(parameter["MaxLength"])
    kind = template["Resources"][name]["Type"]
    arn = len("arn:") + PSEUDO["AWS::Partition"] + PSEUDO["AWS::Region"] + PSEUDO["AWS::AccountId"] + 4
    return {
        "AWS::SNS::Topic": arn + len("sns") + SNS_TOPIC_NAME,
        "AWS::DynamoDB::Table": DYNAMODB_TABLE_NAME,
        "AWS::SQS::Queue": len("https://sqs..//") + PSEUDO["AWS::Region"] + PSEUDO["AWS::URLSuffix"] + 12 + SQS_QUEUE_NAME,
        "AWS::S3::Bucket": S3_BUCKET_NAME,
    }[kind]


def longest(template: dict[str, Any], value: Any) -> int | None:
    """The longest string ``value`` can become; None when it can be left out (AWS::NoValue)."""
    if isinstance(value, (str, int, float)):
        return len(str(value))
    (key, arg), = value.items()
    if key == "Ref":
        return None if arg == "AWS::NoValue" else longest_ref(template, arg)
    if key == "Fn::If":
        branches = [longest(template, b) for b in arg[1:]]
        present = [b for b in branches if b is not None]
        return max(present) if present else None
    if key == "Fn::Sub":
        text, names = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        total = len(re.sub(r"\$\{[^}]+\}", "", text))
        for name in re.findall(r"\$\{([^}!]+)\}", text):
            if name in names:
                total += longest(template, names[name]) or 0
            elif "." in name:
                raise AssertionError(f"Fn::Sub of an attribute {name}: give it a worst case")
            else:
                total += longest_ref(template, name)
        return total
    if key == "Fn::Join":
        parts = [longest(template, p) or 0 for p in arg[1]]
        return sum(parts) + len(arg[0]) * max(len(parts) - 1, 0)
    if key == "Fn::GetAtt" and referenced(value) and arg[-1] == "Arn":
        return longest_ref(template, referenced(value)) + 40
    raise AssertionError(f"no worst case for {value!r}")


def worst_environment(template: dict[str, Any], function_id: str) -> dict[str, str]:
    """The function's variables (the Globals' and its own), each at its longest."""
    variables = dict(template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {}))
    variables.update(template["Resources"][function_id]["Properties"].get("Environment", {}).get("Variables", {}))
    worst = {}
    for name, value in variables.items():
        length = longest(template, value)
        if length is not None:
            worst[name] = "x" * length
    return worst


def lambda_size(variables: dict[str, str]) -> int:
    """As Lambda measures it: the JSON object, quotes, commas and brackets included."""
    return len(json.dumps(variables, separators=(",", ":")).encode())


class EnvironmentLimit(unittest.TestCase):
    def test_every_function_environment_fits_4_kb_at_its_worst_case(self) -> None:
        template = load(CENTRAL)
        functions = [k for k, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"]
        self.assertEqual(sorted(functions), ["InspectorFunction", "SweeperFunction"])
        for function in functions:
            worst = worst_environment(template, function)
            size = lambda_size(worst)
            print(f"{function}: worst-case environment {size} of {ENVIRONMENT_LIMIT} bytes")
            self.assertLessEqual(size, ENVIRONMENT_LIMIT, {k: len(v) for k, v in worst.items()})
            self.assertNotIn("GUARDRAIL_POLICY_TOML", worst, "the policy lives in S3, not in the environment")
            self.assertIn("GUARDRAIL_POLICY", worst)

    def test_the_measure_counts_what_lambda_counts(self) -> None:
        # The error Lambda gives quotes the JSON it measured: {"A1":"..."}.
        self.assertEqual(lambda_size({"A1": "xy"}), len('{"A1":"xy"}'))
        self.assertEqual(lambda_size({"A": "1", "B": "22"}), len('{"A":"1","B":"22"}'))


class ParameterLimits(unittest.TestCase):
    def test_every_parameter_is_bounded_within_cloudformation_s_limit(self) -> None:
        for path in (CENTRAL, MEMBER):
            for name, parameter in load(path)["Parameters"].items():
                if parameter["Type"] == "Number" or "AllowedValues" in parameter:
                    continue
                if parameter["Type"] == "CommaDelimitedList":
                    self.assertIn("AllowedPattern", parameter, f"{path.name} {name}")
                    continue
                self.assertIn("MaxLength", parameter, f"{path.name} {name}: unbounded")
                self.assertLessEqual(int(parameter["MaxLength"]), PARAMETER_LIMIT, f"{path.name} {name}")
        self.assertNotIn("PolicyToml", load(CENTRAL)["Parameters"])

    def test_the_readme_deploy_commands_pass_no_policy_text(self) -> None:
        for path in (ROOT / "README.md", INFRA / "README.md"):
            text = path.read_text()
            self.assertNotIn("PolicyToml", text, path)
            self.assertIn("aws s3 cp", text, f"{path}: how the policy is uploaded")


class PatternLimits(unittest.TestCase):
    def test_event_patterns_fit_eventbridge_s_limit(self) -> None:
        for path in sorted(INFRA.glob("event-pattern-*.json")):
            compact = json.dumps(json.loads(path.read_text()), separators=(",", ":"))
            print(f"{path.name}: {len(compact)} of {PATTERN_LIMIT} characters")
            self.assertLessEqual(len(compact), PATTERN_LIMIT, path.name)


def policy_statements(template: dict[str, Any], role: str) -> list[dict[str, Any]]:
    found = []
    for policy in template["Resources"][role]["Properties"].get("Policies", []):
        for statement in as_list(policy["PolicyDocument"]["Statement"]):
            if "Fn::If" in statement:
                found += [b for b in statement["Fn::If"][1:] if "Ref" not in b]
            else:
                found.append(statement)
    return found


class DeployHardening(unittest.TestCase):
    """The deploy-time findings of the last security review."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.central = load(CENTRAL)
        cls.member = load(MEMBER)
        cls.resources = cls.central["Resources"]

    def test_member_roles_are_assumed_only_within_the_organization(self) -> None:
        for role in ("InspectorRole", "SweeperRole"):
            assume = [s for s in policy_statements(self.central, role) if "sts:AssumeRole" in as_list(s["Action"])]
            self.assertEqual(len(assume), 1, role)
            self.assertEqual(assume[0]["Condition"], {"StringEquals": {"aws:ResourceOrgID": {"Ref": "OrganizationId"}}}, role)
            # and only when there is an organization: the statement is the true branch of HasOrganization
            wrapped = [
                s for p in self.resources[role]["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]
                if "Fn::If" in s and s["Fn::If"][1] is assume[0]
            ]
            self.assertEqual(wrapped[0]["Fn::If"][0], "HasOrganization", role)

    def test_the_central_bus_admits_only_the_organization_s_forwarding_roles(self) -> None:
        statement = self.resources["OrganizationForwarding"]["Properties"]["Statement"]
        condition = statement["Condition"]
        self.assertEqual(condition["StringEquals"], {"aws:PrincipalOrgID": {"Ref": "OrganizationId"}})
        pattern = condition["ArnLike"]["aws:PrincipalArn"]["Fn::Sub"]
        forwarding = self.member["Resources"]["ForwardingRole"]["Properties"]["RoleName"]["Fn::Sub"]
        # The member stack's role name matches the bus's pattern, whatever the region.
        self.assertEqual(pattern, "arn:${AWS::Partition}:iam::*:role/${MemberRoleName}-forwarding-*")
        self.assertEqual(forwarding, "${MemberRoleName}-forwarding-${AWS::Region}")

    def test_member_forwarding_rules_dead_letter_to_a_queue_the_central_sweep_empties(self) -> None:
        resources = self.member["Resources"]
        rules = {k: r for k, r in resources.items() if r["Type"] == "AWS::Events::Rule"}
        self.assertEqual(len(rules), 2)
        queues = set()
        for name, rule in rules.items():
            for target in rule["Properties"]["Targets"]:
                queues.add(referenced(target["DeadLetterConfig"]["Arn"]))
        (queue,) = queues
        props = resources[queue]["Properties"]
        self.assertNotIn("FifoQueue", props, "EventBridge takes no FIFO dead-letter queue")
        # Named as the sweeper finds it: <MEMBER_ROLE_NAME>-forwarding (Deployment::dead_letters)
        self.assertEqual(props["QueueName"], {"Fn::Sub": "${MemberRoleName}-forwarding"})
        code = (ROOT / "shared/aws/src/deployment.rs").read_text()
        self.assertIn('format!("{role}-forwarding")', code)
        policy = next(r for r in resources.values() if r["Type"] == "AWS::SQS::QueuePolicy")
        (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
        self.assertEqual(statement["Principal"], {"Service": "events.amazonaws.com"})
        sources = statement["Condition"]["ArnEquals"]["aws:SourceArn"]
        self.assertEqual(sorted(referenced(s) for s in sources), sorted(rules))
        # The member role may empty exactly that queue, and the central sweep alarms on what it finds
        role = next(r for r in resources.values() if r["Properties"].get("RoleName") == {"Ref": "MemberRoleName"})
        grants = [s for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"]
                  if "sqs:ReceiveMessage" in as_list(s["Action"])]
        self.assertEqual([g["Resource"] for g in grants],
                         [{"Fn::Sub": "arn:${AWS::Partition}:sqs:*:${AWS::AccountId}:${MemberRoleName}-forwarding"}])
        alarmed = {r["Properties"].get("MetricName") for r in self.resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"}
        self.assertTrue({"ForwardedEventsRecovered", "ForwardedEventsLeft"} <= alarmed)

    def test_the_key_grants_cloudwatch_only_for_named_sources(self) -> None:
        statements = self.resources["GuardrailKey"]["Properties"]["KeyPolicy"]["Statement"]
        expanded = [s["Fn::If"][1] if "Fn::If" in s else s for s in statements]
        granted = [s for s in expanded if s.get("Principal", {}).get("Service") == "cloudwatch.amazonaws.com"]
        self.assertTrue(granted)
        for statement in granted:
            condition = statement["Condition"]
            self.assertEqual(condition["StringEquals"], {"aws:SourceAccount": {"Ref": "AWS::AccountId"}})
            self.assertIn("aws:SourceArn", condition["ArnLike"], statement["Sid"])
            self.assertIn(":alarm:", condition["ArnLike"]["aws:SourceArn"]["Fn::Sub"], statement["Sid"])

    def test_no_arn_in_the_templates_spells_the_aws_partition(self) -> None:
        for path in (CENTRAL, MEMBER):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if line.strip().startswith("#") or "AllowedPattern" in line:
                    continue
                self.assertNotRegex(line, r"arn:aws[:-]", f"{path.name}:{number}: use ${{AWS::Partition}}")

    def test_the_policy_bucket_is_private_versioned_and_encrypted(self) -> None:
        bucket = self.resources["PolicyBucket"]["Properties"]
        self.assertEqual(bucket["VersioningConfiguration"]["Status"], "Enabled")
        self.assertTrue(all(bucket["PublicAccessBlockConfiguration"].values()))
        rule = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]
        self.assertEqual(rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"], "aws:kms")
        for role in ("InspectorRole", "SweeperRole"):
            reads = [s for s in policy_statements(self.central, role) if "s3:GetObject" in as_list(s["Action"])]
            self.assertEqual([s["Resource"] for s in reads], [{"Fn::Sub": "${PolicyBucket.Arn}/${PolicyKey}"}], role)

    def test_only_the_named_writers_change_the_policy_and_each_change_is_announced(self) -> None:
        statements = self.resources["PolicyBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
        (writers,) = [s["Fn::If"] for s in statements if "Fn::If" in s]
        self.assertEqual(writers[0], "HasPolicyWriters")
        deny = writers[1]
        self.assertEqual(deny["Effect"], "Deny")
        self.assertTrue({"s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"} <= set(deny["Action"]))
        self.assertEqual(deny["Condition"], {"ArnNotLike": {"aws:PrincipalArn": {"Ref": "PolicyWriterArns"}}})
        rule = self.resources["PolicyChangedRule"]["Properties"]
        self.assertEqual(rule["EventPattern"]["detail"], {"bucket": {"name": [{"Ref": "PolicyBucket"}]}, "object": {"key": [{"Ref": "PolicyKey"}]}})
        self.assertTrue(self.resources["PolicyBucket"]["Properties"]["NotificationConfiguration"]["EventBridgeConfiguration"]["EventBridgeEnabled"])
        (target,) = rule["Targets"]
        self.assertEqual(target["Arn"], {"Ref": "AlertTopic"})
        topic = self.resources["AlertTopicPolicy"]["Properties"]["PolicyDocument"]["Statement"]
        events = [s for s in topic if s.get("Principal") == {"Service": "events.amazonaws.com"}]
        self.assertEqual([s["Condition"] for s in events], [{"ArnEquals": {"aws:SourceArn": {"Fn::GetAtt": ["PolicyChangedRule", "Arn"]}}}])
        key = self.resources["GuardrailKey"]["Properties"]["KeyPolicy"]["Statement"]
        self.assertTrue(any(s.get("Principal") == {"Service": "events.amazonaws.com"} and "aws:SourceArn" in s["Condition"]["ArnLike"] for s in key))

    def test_auditors_read_member_cloudtrail_through_a_read_only_evidence_role(self) -> None:
        """The CLI's evidence lookups in member accounts: a role of their own, CloudTrail only,
        trusting the named auditors with the external id (the member role trusts only the
        functions)."""
        role = self.member["Resources"]["EvidenceRole"]
        self.assertEqual(role["Properties"]["RoleName"], {"Fn::Sub": "${MemberRoleName}-evidence"})
        (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(statement["Condition"], {
            "StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}},
            "ArnEquals": {"aws:PrincipalArn": {"Ref": "EvidenceReaderArns"}},
        })
        actions = {a for p in role["Properties"]["Policies"] for s in p["PolicyDocument"]["Statement"] for a in as_list(s["Action"])}
        self.assertEqual(actions, {"cloudtrail:LookupEvents"})
        self.assertIn('format!("{r}-evidence")', (ROOT / "cli/src/findings.rs").read_text())

    def test_member_accounts_and_units_need_an_organization(self) -> None:
        rules = self.central["Rules"]
        for parameter in ("MemberAccounts", "SweepOrganizationalUnits"):
            guarding = [r for r in rules.values() if r["RuleCondition"] == {"Fn::Not": [{"Fn::Equals": [{"Ref": parameter}, ""]}]}]
            self.assertEqual(len(guarding), 1, parameter)
            self.assertEqual(guarding[0]["Assertions"][0]["Assert"], {"Fn::Not": [{"Fn::Equals": [{"Ref": "OrganizationId"}, ""]}]})

    def test_infra_readme_says_what_the_template_retries(self) -> None:
        """The README once said the sweeper and its schedule are not retried; both are."""
        text = (INFRA / "README.md").read_text()
        self.assertNotRegex(text, r"(does not|doesn't) retry the sweeper|schedule does not retry")
        sweeper = self.resources["SweeperFunction"]["Properties"]
        retries = sweeper["EventInvokeConfig"]["MaximumRetryAttempts"]
        schedule = next(e for e in sweeper["Events"].values() if e["Type"] == "Schedule")["Properties"]
        self.assertIn(f"retries a failed sweeper invocation {retries} times", text)
        self.assertIn(f"the schedule retries {schedule['RetryPolicy']['MaximumRetryAttempts']} times", text)


if __name__ == "__main__":
    unittest.main()
