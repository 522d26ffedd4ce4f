# Corpus wrapper (not upstream): calls Young-ook/terraform-aws-sagemaker's modules/sagemaker-studio,
# copied verbatim into ./modules/sagemaker-studio, with the studio settings of that module's own
# tests/app/main.tf (VpcOnly domain, one user profile with two lifecycle configurations, one app),
# on literal VPC and subnet ids. The security group is the module's own, so the domain's and the
# user's security_groups are unknown until apply.

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

module "studio" {
  source  = "./modules/sagemaker-studio"
  name    = "ml-studio"
  vpc     = "vpc-0a1b2c3d4e5f67890"
  subnets = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
  studio = {
    # Supported values: PublicInternetOnly (Default) or VpcOnly.
    app_network_access_type = "VpcOnly"
    auth_mode               = "IAM"
    app_configs = [
      {
        name    = "userxyz"
        profile = "hello"
        type    = "JupyterServer"
      }
    ]
    user_profiles = [
      {
        name = "hello"
        jupyter_server_app_settings = {
          lifecycle_configs = ["hello", "world"]
        }
      }
    ]
    lifecycle_configs = [
      {
        name    = "hello"
        type    = "JupyterServer"
        content = "echo hello"
      },
      {
        name    = "world"
        type    = "JupyterServer"
        content = "echo world"
      },
      {
        name    = "distributed-training"
        type    = "KernelGateway"
        content = "echo hello"
      },
    ]
  }
}
