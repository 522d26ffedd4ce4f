# Region
stage_name              = "staging"
endpoint_instance_count = "1"
endpoint_instance_type  = "ml.m5.large"
