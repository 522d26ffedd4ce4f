# Offline stand-in for the registry module Young-ook/spinnaker/aws//modules/frigga 2.3.5, written
# for this corpus (not upstream code). The real module appends a random_string suffix when
# `petname` is true, which needs the hashicorp/random provider, unavailable offline; the wrappers
# here always pass a name with petname = false, where the real module returns the name unchanged.
variable "name" {
  type    = string
  default = null
}

variable "petname" {
  type    = bool
  default = true
}

output "name" {
  value = var.name
}
