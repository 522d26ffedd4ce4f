"""Benchmark of `guardrail iac` on a large template: N resources (default 1,000) of the kinds a
SageMaker platform template holds: notebooks, endpoints with their configurations and models,
Studio user profiles; with parameters, `Fn::Sub`, `Fn::GetAtt` and `Fn::If` in every fourth
notebook (two branches each). Prints the wall time of the whole run (parse, resolve, judge,
print) for table, JSON and SARIF output, and the resources judged.

    cargo build --release -p guardrail-cli
    python3 tests/bench/iac_template.py target/release/guardrail [N]

A benchmark, not a test: it prints numbers and asserts nothing about them.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def template(count: int) -> dict:
    resources: dict = {}
    per_group = 4  # a notebook, a model, an endpoint configuration, an endpoint
    for i in range(count // per_group):
        resources[f"Notebook{i}"] = {
            "Type": "AWS::SageMaker::NotebookInstance",
            "Properties": {
                "NotebookInstanceName": {"Fn::Sub": f"nb-{i}-${{Environment}}"},
                "InstanceType": "ml.t3.medium",
                "RoleArn": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/SageMakerExecution"},
                "KmsKeyId": {"Fn::GetAtt": ["PlatformKey", "Arn"]},
                "DirectInternetAccess": {"Fn::If": ["IsProd", "Disabled", "Enabled"]} if i % 4 == 0 else "Disabled",
                "RootAccess": "Disabled",
                "SubnetId": {"Ref": "Subnet"},
                "SecurityGroupIds": [{"Ref": "SecurityGroup"}],
                "Tags": [{"Key": "owner", "Value": f"team-{i % 7}"}],
            },
        }
        resources[f"Model{i}"] = {
            "Type": "AWS::SageMaker::Model",
            "Properties": {
                "ModelName": f"model-{i}",
                "ExecutionRoleArn": "arn:aws:iam::123456789012:role/SageMakerExecution",
                "EnableNetworkIsolation": True,
                "PrimaryContainer": {"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"},
                "VpcConfig": {"Subnets": [{"Ref": "Subnet"}], "SecurityGroupIds": [{"Ref": "SecurityGroup"}]},
            },
        }
        resources[f"Config{i}"] = {
            "Type": "AWS::SageMaker::EndpointConfig",
            "Properties": {
                "EndpointConfigName": f"config-{i}",
                "KmsKeyId": {"Ref": "PlatformKey"},
                "ProductionVariants": [{
                    "VariantName": "AllTraffic",
                    "ModelName": {"Fn::GetAtt": [f"Model{i}", "ModelName"]},
                    "InstanceType": "ml.m5.xlarge",
                    "InitialInstanceCount": 2,
                }],
            },
        }
        resources[f"Endpoint{i}"] = {
            "Type": "AWS::SageMaker::Endpoint",
            "Properties": {
                "EndpointName": f"endpoint-{i}",
                "EndpointConfigName": {"Fn::GetAtt": [f"Config{i}", "EndpointConfigName"]},
                "Tags": [{"Key": "owner", "Value": "ml-platform"}],
            },
        }
    resources["PlatformKey"] = {"Type": "AWS::KMS::Key", "Properties": {"Description": "platform"}}
    resources["Subnet"] = {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": "vpc-0a1b2c3d4e5f60001", "CidrBlock": "10.0.0.0/24"}}
    resources["SecurityGroup"] = {"Type": "AWS::EC2::SecurityGroup", "Properties": {"GroupDescription": "sm", "VpcId": "vpc-0a1b2c3d4e5f60001"}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"Environment": {"Type": "String", "Default": "dev"}},
        "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Environment"}, "prod"]}},
        "Resources": resources,
    }


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    binary, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    body = template(count)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "platform.json"
        path.write_text(json.dumps(body, indent=1))
        resources = len(body["Resources"])
        print(f"template: {resources} resources, {path.stat().st_size // 1024} KiB")
        for fmt in ("table", "json", "sarif"):
            times = []
            for _ in range(5):
                start = time.perf_counter()
                run = subprocess.run([binary, "iac", "--format", fmt, str(path)], capture_output=True, text=True, check=False)
                times.append(time.perf_counter() - start)
                if run.returncode not in (0, 1):
                    print(run.stderr)
                    return 1
            summary = ""
            if fmt == "table":
                summary = run.stdout.strip().splitlines()[-1]
            print(f"{fmt:>6}: median {statistics.median(times):.3f} s, min {min(times):.3f} s  {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
