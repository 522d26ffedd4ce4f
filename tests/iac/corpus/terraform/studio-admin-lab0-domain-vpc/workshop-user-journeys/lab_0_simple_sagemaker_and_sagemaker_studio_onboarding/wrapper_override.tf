# Corpus override (not upstream): Terraform merges this into the upstream provider "aws" block so
# that the configuration plans offline (fake credentials; data sources answered by the local
# emulator through AWS_ENDPOINT_URL). The upstream file is unchanged.
provider "aws" {
  region                      = "us-east-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}
