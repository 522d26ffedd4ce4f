#!/usr/bin/env bash
# Regenerates ../secure-mlops-abalone.pipeline.json by running the upstream get_pipeline() beside
# this script (pipeline.py, preprocess.py, evaluate.py copied verbatim from
# aws-samples/amazon-sagemaker-secure-mlops @ c299dd7,
# mlops-seed-code/model-build-train/pipelines/abalone/, MIT-0).
# No AWS account is used. Upstream get_pipeline() first calls get_environment(), which reads the
# Studio domain of the SageMaker project (sagemaker:DescribeProject/DescribeDomain/ListTags) and four
# SSM parameters; moto implements no DescribeProject, so get_environment is replaced with a stub
# returning what those calls would give for a VPC-only domain (subnets, security groups, execution
# role, data/model buckets, S3 and EBS KMS keys). Everything else is the upstream code as is; moto's
# in-process mock answers the SDK's S3 calls (default bucket check, upload of the scripts).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${SM_VENV:-/tmp/smvenv}"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'sagemaker==2.257.7' 'boto3==1.44.18' 'botocore==1.44.18' 'moto[s3]==5.2.6'
fi
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true PYTHONDONTWRITEBYTECODE=1 SAGEMAKER_SUPPRESS_V2_WARNING=1
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL
cd "$here"
"$venv/bin/python" - <<'EOF'
import importlib.util, json
import boto3
from moto import mock_aws

REGION = "us-east-1"
ACCOUNT = "123456789012"
ENV = {
    # describe_domain(...) merged with its DefaultUserSettings, as upstream get_environment() builds it
    "DomainId": "d-abcdefghijkl",
    "DomainArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/d-abcdefghijkl",
    "DomainName": "sm-mlops-dev-us-east-1",
    "AuthMode": "IAM",
    "AppNetworkAccessType": "VpcOnly",
    "VpcId": "vpc-0123456789abcdef0",
    "SubnetIds": ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0bbbbbbbbbbbbbbb2"],
    "SecurityGroups": ["sg-0ccccccccccccccc3"],
    "ExecutionRole": f"arn:aws:iam::{ACCOUNT}:role/SageMakerExecution",
    "KmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555",
    # domain tags
    "EnvironmentName": "sm-mlops",
    "EnvironmentType": "dev",
    # SSM parameters {EnvironmentName}-{EnvironmentType}-{name}
    "DataBucketName": "sm-mlops-dev-us-east-1-data",
    "ModelBucketName": "sm-mlops-dev-us-east-1-models",
    "S3KmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
    "EbsKmsKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/ffffffff-0000-1111-2222-333333333333",
}

with mock_aws():
    s3 = boto3.client("s3", region_name=REGION)
    for bucket in (ENV["DataBucketName"], ENV["ModelBucketName"]):
        s3.create_bucket(Bucket=bucket)
    spec = importlib.util.spec_from_file_location("pipeline", "pipeline.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.get_environment = lambda project_name, ssm_params: dict(ENV)
    pipeline = mod.get_pipeline(region=REGION, project_name="sm-mlops-dev-project")
    definition = json.dumps(json.loads(pipeline.definition()), indent=2)

with open("../secure-mlops-abalone.pipeline.json", "w") as f:
    f.write(definition + "\n")
print("wrote secure-mlops-abalone.pipeline.json")
EOF
