# Corpus wrapper (not upstream): calls Young-ook/terraform-aws-sagemaker's root module, copied
# verbatim into ./terraform-aws-sagemaker, with one notebook instance in a VPC subnet. The subnet is
# created here, so the notebook's subnet_id (and security_groups, from the module's own security
# group) are unknown until apply. The module's model/endpoint part is left out: its endpoint
# configuration looks the model up under the key "production_variants", a name the provider rejects.

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

variable "vpc_id" {
  type    = string
  default = "vpc-0a1b2c3d4e5f67890"
}

resource "aws_subnet" "notebook" {
  vpc_id            = var.vpc_id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}

module "sagemaker" {
  source = "./terraform-aws-sagemaker"
  name   = "fraud-detection"
  vpc    = var.vpc_id
  subnet = aws_subnet.notebook.id
  tags   = { project = "fraud-detection" }

  notebook_instances = [
    {
      name                   = "analyst"
      instance_type          = "ml.t3.medium"
      direct_internet_access = "Disabled"
      lifecycle_config = {
        on_create = "echo 'A notebook has been created'"
        on_start  = "echo 'Notebook started'"
      }
    },
    {
      # direct_internet_access left to the module's default, "Enabled"
      name                    = "explorer"
      default_code_repository = "https://github.com/aws-samples/amazon-sagemaker-examples.git"
    },
  ]
}
