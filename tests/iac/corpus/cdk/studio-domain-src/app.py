#!/usr/bin/env python3
# Corpus driver for aws-samples/aws-cdk-native-sagemaker-studio (MIT-0),
# cdk/app.py @ e72e64b8631510f5f4d4f92306d145a2eaed1092.
#
# Upstream app.py takes the region from the boto3 session:
#     SagemakerStudioStack(app, "SagemakerStudioStack", env={"region": AWS_REGION})
# Here the region is fixed to us-east-1 (no boto3, runs offline). As upstream, only the
# region is set, so the stack's environment is aws://unknown-account/us-east-1.
# cdk/cdk/*.py are the upstream files, unchanged (they import `cdk.cdk.…`, so this
# app.py sits at the repository root, beside the `cdk/` directory).
import aws_cdk as cdk

from cdk.cdk.sagemaker_studio_stack import SagemakerStudioStack

AWS_REGION = "us-east-1"

app = cdk.App()

SagemakerStudioStack(app, "SagemakerStudioStack", env={"region": AWS_REGION})

app.synth()
