#!/usr/bin/env bash
# Regenerates ../nlp-multi-model.pipeline.json by running the upstream get_pipeline() beside this
# script (pipeline.py, processing.py, train_model_1.py, train_model_2.py copied verbatim from
# aws-samples/sagemaker-custom-project-templates @ 6906ed9,
# multi-model-trainining-batch-inference-pipeline/seedcode/ml-build-train/pipelines/nlp/, MIT-0).
# No AWS account is used: moto's in-process mock answers the SDK's S3 calls (the default bucket
# check and the upload of processing.py and of the training source directories that definition() does); image URIs are
# looked up in the SDK's bundled JSON.
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
ROLE = "arn:aws:iam::123456789012:role/SageMakerExecution"
BUCKET = "sagemaker-us-east-1-123456789012"

with mock_aws():
    boto3.client("s3", region_name=REGION).create_bucket(Bucket=BUCKET)
    spec = importlib.util.spec_from_file_location("pipeline", "pipeline.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    pipeline = mod.get_pipeline(region=REGION, role=ROLE, default_bucket=BUCKET)
    definition = json.dumps(json.loads(pipeline.definition()), indent=2)

with open("../nlp-multi-model.pipeline.json", "w") as f:
    f.write(definition + "\n")
print("wrote nlp-multi-model.pipeline.json")
EOF
