#!/usr/bin/env bash
# How the Terraform plan/state JSON files of this corpus were made. Documentation: tests do not run
# it. Each folder holds upstream .tf files copied verbatim from a public repository (see the
# "copy" steps below and the report in README.md), a small corpus wrapper where one was needed, and
# plan.json = `terraform show -json` of a saved plan (plus state.json in one folder).
#
# Needs: terraform 1.11.x, the hashicorp/aws 5.100.0 provider in a filesystem mirror at
# /opt/tf-plugins (no network), the upstream repositories as bare git dirs under /work/.mirror
# (only for the copy steps), and tests/emulator/with-emulator.sh (moto) for data sources and for
# the apply that makes state.json. Usage: tests/iac/corpus/terraform/generate.sh [FOLDER...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"

# Re-run under the emulator: AWS_ENDPOINT_URL then points the provider (which honours that variable)
# at a fresh local moto, so aws_caller_identity, aws_region, aws_availability_zones, ... answer.
# moto loads AWS managed policies (aws_iam_policy data source in aws-ia's module) only when asked.
if [ -z "${AWS_ENDPOINT_URL:-}" ]; then
  export MOTO_IAM_LOAD_MANAGED_POLICIES=true
  exec "$root/tests/emulator/with-emulator.sh" bash "${BASH_SOURCE[0]}" "$@"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# aws-ia's module also requires hashicorp/random (one random_string), which is not installed here:
# a stand-in provider, written with the `tf` Python provider framework (PyPI), implements
# random_string only (length, special, upper, lower, numeric, override_special -> id, result).
python3 -m venv "$tmp/venv" && "$tmp/venv/bin/pip" install --quiet --disable-pip-version-check tf==1.2.0
mkdir -p "$tmp/fakerandom"
{ echo "#!$tmp/venv/bin/python"; cat <<'PYEOF'
# Offline stand-in for hashicorp/random's random_string (corpus generation only).
import secrets, string
from typing import Optional
from tf import runner
from tf.iface import Provider, Resource, CreateContext, ReadContext, UpdateContext, DeleteContext, PlanContext, ImportContext, State
from tf.schema import Attribute, Schema
from tf.types import Number, String, Bool
from tf.utils import Diagnostics

class RandomString(Resource):
    def __init__(self, provider): self.provider = provider
    @classmethod
    def get_name(cls): return "string"
    @classmethod
    def get_schema(cls):
        return Schema(attributes=[
            Attribute("id", String(), computed=True),
            Attribute("length", Number(), required=True, requires_replace=True),
            Attribute("special", Bool(), optional=True, computed=True, default=True, requires_replace=True),
            Attribute("upper", Bool(), optional=True, computed=True, default=True, requires_replace=True),
            Attribute("lower", Bool(), optional=True, computed=True, default=True, requires_replace=True),
            Attribute("numeric", Bool(), optional=True, computed=True, default=True, requires_replace=True),
            Attribute("override_special", String(), optional=True, requires_replace=True),
            Attribute("result", String(), computed=True),
        ])
    def create(self, ctx: CreateContext, planned: State):
        alphabet = ""
        if planned.get("lower", True) is not False: alphabet += string.ascii_lowercase
        if planned.get("upper", True) is not False: alphabet += string.ascii_uppercase
        if planned.get("numeric", True) is not False: alphabet += string.digits
        if planned.get("special", True) is not False: alphabet += planned.get("override_special") or "!@#$%&*()-_=+[]{}<>:?"
        r = "".join(secrets.choice(alphabet) for _ in range(int(planned["length"])))
        return {**planned, "result": r, "id": r}
    def read(self, ctx: ReadContext, current: State): return current
    def update(self, ctx: UpdateContext, current: State, planned: State): return planned
    def delete(self, ctx: DeleteContext, current: State): return None
    def plan(self, ctx: PlanContext, current: Optional[State], planned: State): return planned
    def import_(self, ctx: ImportContext, id: str): return None

class RandomProvider(Provider):
    def get_model_prefix(self): return "random_"
    def get_provider_schema(self, diags: Diagnostics): return Schema(attributes=[])
    def full_name(self): return "registry.terraform.io/hashicorp/random"
    def validate_config(self, diags, config): pass
    def configure_provider(self, diags, config): pass
    def get_data_sources(self): return []
    def get_resources(self): return [RandomString]
    def new_resource(self, klass): return klass(self)

if __name__ == "__main__":
    runner.run_provider(RandomProvider())
PYEOF
} >"$tmp/fakerandom/terraform-provider-random"
chmod +x "$tmp/fakerandom/terraform-provider-random"
"$tmp/venv/bin/python" -c "import sys; from pathlib import Path; from tf.runner import install_provider; install_provider('registry.terraform.io', 'hashicorp', 'random', '3.6.3', Path(sys.argv[1]), Path(sys.argv[2]))" \
  "$tmp/plugins" "$tmp/fakerandom/terraform-provider-random"

cat >"$tmp/cli.tfrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "/opt/tf-plugins"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  filesystem_mirror {
    path    = "$tmp/plugins"
    include = ["registry.terraform.io/hashicorp/random"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$tmp/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1

mirror=/work/.mirror
# copy REPO COMMIT PATH DEST: one upstream file, byte for byte.
copy() { mkdir -p "$(dirname "$4")"; git --git-dir="$mirror/$1/repo" show "$2:$3" >"$4"; }

# The Young-ook modules call registry modules (Young-ook/spinnaker/aws//modules/aws-partitions and
# //modules/frigga) that cannot be downloaded offline. Their code is laid under vendor/ and a module
# manifest is written by hand, then `terraform init -get=false` uses it as if init had installed
# them (the plan's configuration still names the registry sources).
manifest() { # DIR KEY=SOURCE=VERSION=DIR ...
  local dir="$1"; shift
  mkdir -p "$dir/.terraform/modules"
  {
    printf '{"Modules":[{"Key":"","Source":"","Dir":"."}'
    local entry key src ver mdir
    for entry in "$@"; do
      IFS='=' read -r key src ver mdir <<<"$entry"
      if [ -n "$ver" ]; then
        printf ',{"Key":"%s","Source":"%s","Version":"%s","Dir":"%s"}' "$key" "$src" "$ver" "$mdir"
      else
        printf ',{"Key":"%s","Source":"%s","Dir":"%s"}' "$key" "$src" "$mdir"
      fi
    done
    printf ']}\n'
  } >"$dir/.terraform/modules/modules.json"
}

clean() { rm -rf "$1/.terraform" "$1/.terraform.lock.hcl" "$1/tfplan" "$1"/terraform.tfstate*; }

# plan RUN_DIR OUT_DIR [INIT_ARGS...]: init, plan into a binary plan, write OUT_DIR/plan.json.
plan() {
  local dir="$1" out="$2"; shift 2
  (cd "$dir" && terraform init -input=false -no-color "$@" >/dev/null \
    && terraform plan -input=false -no-color -out tfplan >"$tmp/plan.log" \
    && terraform show -json tfplan >"$out/plan.json") || { cat "$tmp/plan.log" >&2; return 1; }
  clean "$dir"
}

YO=Young-ook+terraform-aws-sagemaker; YO_C=6162377b4ba92bb409774e072d58b399d3f83788
SP=Young-ook+terraform-aws-spinnaker; SP_C=3af169b2db6154d882feeb3994a92ed121d7a6f0
SA=aws-samples+sagemaker-studio-admin-iac-templates; SA_C=11861f826e3d0a0bc53894070d88ea94532a7e8c
CP=aws-samples+sagemaker-custom-project-templates; CP_C=6906ed9046ace27f7f40c8eaff1248bb9cf46d08
IA=aws-ia+terraform-aws-sagemaker-endpoint; IA_C=32a2138a00e5590d4fd480eb37602bd07eba05e9

young_vendor() { # DIR: the MIT aws-partitions module verbatim; frigga is the corpus's stand-in.
  copy $SP $SP_C modules/aws-partitions/outputs.tf "$1/vendor/terraform-aws-spinnaker/modules/aws-partitions/outputs.tf"
  copy $SP $SP_C LICENSE.md "$1/vendor/terraform-aws-spinnaker/LICENSE.md"
  # vendor/terraform-aws-spinnaker/modules/frigga/main.tf is written for the corpus (kept in git).
}

young-ook-notebook() {
  local d="$here/young-ook-notebook" f
  if [ "${COPY:-0}" = 1 ]; then
    for f in main.tf variables.tf defaults.tf labels.tf versions.tf outputs.tf; do
      copy $YO $YO_C "$f" "$d/terraform-aws-sagemaker/$f"
    done
    copy $YO $YO_C LICENSE "$d/LICENSE"; young_vendor "$d"
  fi
  manifest "$d" \
    "sagemaker=./terraform-aws-sagemaker==terraform-aws-sagemaker" \
    "sagemaker.aws=registry.terraform.io/Young-ook/spinnaker/aws//modules/aws-partitions=3.0.2=vendor/terraform-aws-spinnaker/modules/aws-partitions" \
    "sagemaker.frigga=registry.terraform.io/Young-ook/spinnaker/aws//modules/frigga=2.3.5=vendor/terraform-aws-spinnaker/modules/frigga"
  plan "$d" "$d" -get=false
}

young-ook-studio() {
  local d="$here/young-ook-studio" f
  if [ "${COPY:-0}" = 1 ]; then
    for f in main.tf variables.tf defaults.tf labels.tf versions.tf outputs.tf; do
      copy $YO $YO_C "modules/sagemaker-studio/$f" "$d/modules/sagemaker-studio/$f"
    done
    copy $YO $YO_C LICENSE "$d/LICENSE"; young_vendor "$d"
  fi
  manifest "$d" \
    "studio=./modules/sagemaker-studio==modules/sagemaker-studio" \
    "studio.aws=registry.terraform.io/Young-ook/spinnaker/aws//modules/aws-partitions=3.0.2=vendor/terraform-aws-spinnaker/modules/aws-partitions" \
    "studio.frigga=registry.terraform.io/Young-ook/spinnaker/aws//modules/frigga=2.3.5=vendor/terraform-aws-spinnaker/modules/frigga"
  plan "$d" "$d" -get=false
}

studio-admin-lab0-domain-vpc() {
  local d="$here/studio-admin-lab0-domain-vpc"
  local p=workshop-user-journeys/lab_0_simple_sagemaker_and_sagemaker_studio_onboarding
  if [ "${COPY:-0}" = 1 ]; then
    copy $SA $SA_C $p/base-sagemaker-studio-domain-in-vpc.tf "$d/$p/base-sagemaker-studio-domain-in-vpc.tf"
    copy $SA $SA_C LICENSE "$d/LICENSE"
  fi
  # $p/wrapper_override.tf (corpus) gives the upstream provider block offline settings.
  plan "$d/$p" "$d"
}

custom-project-gitlab-model-deploy() {
  local d="$here/custom-project-gitlab-model-deploy" f
  local p=sm-project-tf-gitlab/sagemaker-project-setup/lambdas-source/lambda-seedcode-checkin-gitlab/seedcode/mlops-gitlab-project-seedcode-model-deploy/terraform-package
  if [ "${COPY:-0}" = 1 ]; then
    for f in main.tf variables.tf terrraform.tfvars; do copy $CP $CP_C "$p/$f" "$d/$p/$f"; done
    copy $CP $CP_C LICENSE "$d/LICENSE"
  fi
  plan "$d" "$d"
}

studio-admin-lab1-user-profile() {
  local d="$here/studio-admin-lab1-user-profile"
  local p=workshop-user-journeys/lab_1_data_scientist
  if [ "${COPY:-0}" = 1 ]; then
    copy $SA $SA_C $p/datascience-user-profile.tf "$d/$p/datascience-user-profile.tf"
    copy $SA $SA_C LICENSE "$d/LICENSE"
  fi
  # $p/wrapper_override.tf and $p/wrapper.auto.tfvars are the corpus's.
  plan "$d/$p" "$d"
}

aws-ia-sagemaker-endpoint() {
  local d="$here/aws-ia-sagemaker-endpoint" f
  if [ "${COPY:-0}" = 1 ]; then
    for f in main.tf data.tf iam.tf providers.tf variables.tf outputs.tf; do
      copy $IA $IA_C "$f" "$d/terraform-aws-sagemaker-endpoint/$f"
    done
    copy $IA $IA_C LICENSE "$d/LICENSE"; copy $IA $IA_C NOTICE.txt "$d/NOTICE.txt"
  fi
  plan "$d" "$d"
}

# state.json: apply the model/endpoint-configuration/endpoint configuration to the emulator and save
# the state (terraform show -json without a plan file).
custom-project-gitlab-model-deploy-state() {
  local d="$here/custom-project-gitlab-model-deploy"
  (cd "$d" && terraform init -input=false -no-color >/dev/null \
    && terraform apply -auto-approve -input=false -no-color >"$tmp/apply.log" \
    && terraform show -json >"$d/state.json") || { cat "$tmp/apply.log" >&2; return 1; }
  clean "$d"
}

all=(young-ook-notebook young-ook-studio studio-admin-lab0-domain-vpc studio-admin-lab1-user-profile
  custom-project-gitlab-model-deploy aws-ia-sagemaker-endpoint custom-project-gitlab-model-deploy-state)
for target in "${@:-${all[@]}}"; do
  echo "generate: $target" >&2
  "$target"
done
