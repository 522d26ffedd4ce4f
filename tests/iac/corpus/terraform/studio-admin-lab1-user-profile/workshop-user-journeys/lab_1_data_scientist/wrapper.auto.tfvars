# Corpus values (not upstream) for the template's three required variables.
SageMakerDomainId                    = "d-abcdefghijkl"
SageMakerCloudformationSubnetId      = "subnet-0123456789abcdef0"
SageMakerCloudformationSecurityGroup = "sg-0123456789abcdef0"
