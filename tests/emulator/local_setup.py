#!/usr/bin/env python3
"""Sets up a running emulator for a local run of the functions (see the README).

Usage: ``eval "$(python tests/emulator/local_setup.py [--without-notebook])"`` with
``AWS_ENDPOINT_URL`` set.

Creates the alert topic, the findings table (keys and indexes read from ``infra/template.yaml``,
so they are the deployed ones) and, unless ``--without-notebook``, a non-compliant notebook
``open-nb``, then prints the ``export`` lines the functions need.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import boto3
from cfnlint.decode import cfn_yaml

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if not endpoint.startswith("http://127.0.0.1"):
        print("AWS_ENDPOINT_URL must point at the local emulator", file=sys.stderr)
        return 2
    region = os.environ.get("AWS_REGION", "us-east-1")
    client = lambda service: boto3.client(service, endpoint_url=endpoint, region_name=region)  # noqa: E731
    topic = client("sns").create_topic(Name="guardrail-alerts")["TopicArn"]
    template = cfn_yaml.load(str(ROOT / "infra/template.yaml"))
    table = next(
        r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::DynamoDB::Table"
    )
    dynamodb = client("dynamodb")
    if "guardrail-findings" not in dynamodb.list_tables()["TableNames"]:
        dynamodb.create_table(
            TableName="guardrail-findings",
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=table["AttributeDefinitions"],
            KeySchema=table["KeySchema"],
            GlobalSecondaryIndexes=table["GlobalSecondaryIndexes"],
        )
    if "--without-notebook" not in sys.argv[1:]:
        sagemaker = client("sagemaker")
        try:
            sagemaker.create_notebook_instance(
                NotebookInstanceName="open-nb",
                InstanceType="ml.t3.medium",
                RoleArn="arn:aws:iam::123456789012:role/R",
            )
        except sagemaker.exceptions.ClientError as e:
            print(f"open-nb not created: {e}", file=sys.stderr)
    print(f"export ALERT_TOPIC_ARN={topic} FINDINGS_TABLE=guardrail-findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
