# Corpus wrapper (not upstream): calls aws-ia/terraform-aws-sagemaker-endpoint (copied verbatim into
# ./terraform-aws-sagemaker-endpoint) as its examples/hf_rte does, and also passes kms_key_arn from
# a KMS key created here, so the endpoint configuration's kms_key_arn is unknown until apply (as
# are the model's and endpoint configuration's names, which end in a random_string suffix).

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

resource "aws_kms_key" "endpoint" {
  description         = "SageMaker endpoint storage volume encryption"
  enable_key_rotation = true
}

module "sagemaker-endpoint" {
  source        = "./terraform-aws-sagemaker-endpoint"
  endpoint_name = "mistralendpoint"
  containers = [{
    image_uri = "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi2.4.0-gpu-py311-cu124-ubuntu22.04"
    environment = {
      "HF_MODEL_ID"      = "mistralai/Mistral-7B-Instruct-v0.1"
      "SM_NUM_GPUS"      = 1
      "MAX_INPUT_LENGTH" = 2048
      "MAX_TOTAL_TOKENS" = 4096
    }
  }]
  production_variant = {
    variant_name           = "AllTraffic"
    instance_type          = "ml.g5.2xlarge"
    initial_instance_count = 1
  }
  kms_key_arn              = aws_kms_key.endpoint.arn
  enable_network_isolation = false
}
