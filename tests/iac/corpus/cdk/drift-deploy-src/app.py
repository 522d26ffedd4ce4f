#!/usr/bin/env python3
# Corpus driver for aws-samples/amazon-sagemaker-drift-detection (MIT-0),
# deployment_pipeline/app.py @ b281df44bbd68fd94549d333b3ea276e19f804a1.
#
# Same stacks as the upstream app, with two changes so that `cdk synth` runs offline:
#   * the upstream app asks the SageMaker Model Registry (boto3) for the latest
#     approved model package and its drift baseline; here those are fixed values;
#   * the "prod" stack is wrapped in a `cdk.Stage` named "Prod" with an explicit
#     environment (aws://123456789012/us-east-1), so the cloud assembly has a nested
#     stage (`cdk:cloud-assembly` artifact -> assembly-Prod/). The "staging" stack stays
#     at the top level and environment-agnostic, as upstream.
# infra/sagemaker_stack.py, infra/deployment_config.py, staging-config.json and
# prod-config.json are the upstream files, unchanged.
import json

import aws_cdk as cdk

from infra.deployment_config import DeploymentConfig, VariantConfig
from infra.sagemaker_stack import SageMakerStack

PROJECT_NAME = "drift-detection"
PROJECT_ID = "p-abcdef123456"
SAGEMAKER_EXECUTION_ROLE = (
    "arn:aws:iam::123456789012:role/service-role/AmazonSageMakerServiceCatalogProductsUseRole"
)
ARTIFACT_BUCKET = "sagemaker-project-p-abcdef123456"
# What ModelRegistry.get_latest_approved_packages / get_data_check_baseline_uri would return.
MODEL_PACKAGE_ARN = "arn:aws:sagemaker:us-east-1:123456789012:model-package/drift-detection/3"
MODEL_PACKAGE_VERSION = 3
BASELINE_URI = "s3://sagemaker-project-p-abcdef123456/p-abcdef123456/baseline/3"


def create_endpoint(scope, stage_name: str):
    # Below mirrors upstream create_endpoint(); only the registry look-ups are replaced.
    endpoint_name = f"sagemaker-{PROJECT_NAME}-{stage_name}"
    tags = [
        cdk.CfnTag(key="sagemaker:deployment-stage", value=stage_name),
        cdk.CfnTag(key="sagemaker:project-id", value=PROJECT_ID),
        cdk.CfnTag(key="sagemaker:project-name", value=PROJECT_NAME),
    ]
    with open(f"{stage_name}-config.json", "r") as f:
        deployment_config = DeploymentConfig(**json.load(f))

    if deployment_config.variant_config is None:
        deployment_config.variant_config = VariantConfig(
            model_package_version=MODEL_PACKAGE_VERSION,
            model_package_arn=MODEL_PACKAGE_ARN,
            initial_variant_weight=1,
            instance_count=deployment_config.instance_count,
            instance_type=deployment_config.instance_type,
        )
    else:
        deployment_config.variant_config.model_package_arn = MODEL_PACKAGE_ARN

    stack_synthesizer = cdk.DefaultStackSynthesizer(
        file_assets_bucket_name=ARTIFACT_BUCKET,
        bucket_prefix="deploy-pipeline-cdk-assets/",
        generate_bootstrap_version_rule=False,
    )

    return SageMakerStack(
        scope,
        f"drift-deploy-{stage_name}",
        sagemaker_execution_role=SAGEMAKER_EXECUTION_ROLE,
        deployment_config=deployment_config,
        endpoint_name=endpoint_name,
        baseline_uri=BASELINE_URI,
        data_capture_uri=f"s3://{ARTIFACT_BUCKET}/{PROJECT_ID}/datacapture",
        reporting_uri=f"s3://{ARTIFACT_BUCKET}/{PROJECT_ID}/monitoring",
        tags=tags,
        synthesizer=stack_synthesizer,
    )


app = cdk.App()
create_endpoint(app, "staging")
prod = cdk.Stage(
    app, "Prod", env=cdk.Environment(account="123456789012", region="us-east-1")
)
create_endpoint(prod, "prod")
app.synth()
