# Corpus wrapper (not upstream): calls the seed code's terraform-package (copied verbatim, which has
# no provider block) as a child module, with the values a SageMaker project would pass for its
# staging stage (the upstream terrraform.tfvars sets only the instance count and type).

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

module "model_deploy" {
  source                  = "./sm-project-tf-gitlab/sagemaker-project-setup/lambdas-source/lambda-seedcode-checkin-gitlab/seedcode/mlops-gitlab-project-seedcode-model-deploy/terraform-package"
  sagemaker_project_name  = "churn-prediction"
  sagemaker_project_id    = "p-abcdef123456"
  model_exec_role_arn     = "arn:aws:iam::123456789012:role/service-role/AmazonSageMaker-ExecutionRole"
  model_registry_artifact = "s3://sagemaker-project-p-abcdef123456/model-artifacts/churn/model.tar.gz"
  model_inference_image   = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
  endpoint_instance_count = "1"
  endpoint_instance_type  = "ml.m5.large"
  endpoint_stage_name     = "staging"
}
