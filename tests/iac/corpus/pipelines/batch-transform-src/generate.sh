#!/usr/bin/env bash
# Regenerates ../batch-transform.pipeline.json by running the upstream get_pipeline() beside this
# script (pipeline.py copied verbatim from aws-samples/sagemaker-custom-project-templates @ 6906ed9,
# batch-inference/seedcode/pipelines/batch_inference/pipeline.py, MIT-0). Upstream, this
# definition becomes the PipelineDefinitionBody of the AWS::SageMaker::Pipeline in
# batch-inference/seedcode/endpoint-config-template.yml (../../cloudformation/batch-inference-pipeline.yml);
# the ModelName parameter's default '${ModelName}' is upstream's own placeholder.
# No AWS account is used: get_pipeline() takes no bucket, so the SDK derives the default bucket
# from sts:GetCallerIdentity; moto's in-process mock answers that (account 123456789012) and S3.
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
from moto import mock_aws

with mock_aws():
    spec = importlib.util.spec_from_file_location("pipeline", "pipeline.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    pipeline = mod.get_pipeline(region="us-east-1")
    definition = json.dumps(json.loads(pipeline.definition()), indent=2)

with open("../batch-transform.pipeline.json", "w") as f:
    f.write(definition + "\n")
print("wrote batch-transform.pipeline.json")
EOF
