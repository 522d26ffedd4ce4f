#!/usr/bin/env bash
# Regenerates the CDK cloud assemblies in this directory. Documentation only: the tests
# read the committed assemblies and never run this script. Needs node (20 was used),
# npm, python3 (3.11 was used) and network access to npm and PyPI; synthesis itself is
# offline (no context look-ups). Versions are the ones the committed output came from.
#
# Output is not byte-for-byte stable in every case:
#   * creationStack traces in *.metadata.json / manifest.json name the temp paths used;
#   * mlops-model-monitor: the order of resources inside some IAM policy statements
#     changes from one run to the next (upstream code), and with it the template hash.
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
WORK="${WORK:-/tmp/cdkwork}"
export CDK_DISABLE_VERSION_CHECK=true

mkdir -p "$WORK" && cd "$WORK"
[ -f package.json ] || npm init -y >/dev/null
npm install aws-cdk@2.1149.0 aws-cdk-lib@2.278.0 constructs@10.8.1
CDK="$WORK/node_modules/.bin/cdk"

python3 -m venv venv         && ./venv/bin/pip install aws-cdk-lib==2.275.0 constructs==10.8.1
python3 -m venv venv-drift   && ./venv-drift/bin/pip install aws-cdk-lib==2.51.0 constructs==10.1.163
python3 -m venv venv-mlops   && ./venv-mlops/bin/pip install -r "$HERE/mlops-model-monitor-src/requirements.txt"

synth() { # synth <src dir> <out dir> <app command> [extra cdk args...]
  local src="$1" out="$2" app="$3"; shift 3
  rm -rf "$out"
  (cd "$src" && "$CDK" synth --no-notices --app "$app" -o "$out" "$@" >/dev/null)
  find "$src" -name __pycache__ -prune -exec rm -rf {} +
  find "$out" -name 'asset.*' -prune -exec rm -rf {} +
}

# 1. aws-samples/amazon-sagemaker-drift-detection, deployment pipeline (nested stage "Prod").
#    --path-metadata false as in the upstream buildspec.yml.
#    a) with the aws-cdk-lib pinned upstream (2.51.0): manifest 21.0.0, metadata inline;
synth "$HERE/drift-deploy-src" "$HERE/drift-deploy" "$WORK/venv-drift/bin/python app.py" --path-metadata false
#    b) the same app with a current aws-cdk-lib: manifest 55.0.0, metadata in *.metadata.json.
synth "$HERE/drift-deploy-src" "$HERE/drift-deploy-v55" "$WORK/venv/bin/python app.py" --path-metadata false

# 2. aws-samples/aws-cdk-native-sagemaker-studio (Studio domain + user profile).
synth "$HERE/studio-domain-src" "$HERE/studio-domain" "$WORK/venv/bin/python app.py"

# 3. aws-solutions/mlops-workload-orchestrator blueprints (model monitors, real-time endpoint).
#    tree.json (≈270 kB) is dropped, and the "Tree" artifact with it.
synth "$HERE/mlops-model-monitor-src" "$HERE/mlops-model-monitor" "$WORK/venv-mlops/bin/python app.py"
rm -f "$HERE/mlops-model-monitor/tree.json"
python3 - "$HERE/mlops-model-monitor/manifest.json" <<'EOF'
import json, sys
p = sys.argv[1]
m = json.load(open(p))
del m["artifacts"]["Tree"]
open(p, "w").write(json.dumps(m, indent=2))
EOF

# 4. aws/aws-cdk integ test integ.create-training-job (Step Functions -> SageMaker
#    CreateTrainingJob), transcribed to JavaScript.
ln -sfn "$WORK/node_modules" "$HERE/sfn-training-job-src/node_modules"
synth "$HERE/sfn-training-job-src" "$HERE/sfn-training-job" "node app.js"
rm -f "$HERE/sfn-training-job-src/node_modules"
