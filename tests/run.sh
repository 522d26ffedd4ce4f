#!/usr/bin/env bash
# Runs every test of the workspace. Needs only python3 and cargo: tests/emulator/with-emulator.sh
# installs the local AWS emulator (moto) and cfn-lint into a virtualenv, starts the emulator on
# 127.0.0.1 with this project's extensions, points the standard AWS variables at it, and stops it
# whatever happens. In it run: the emulator's own checks (each patch behaves like AWS), the
# workspace's tests, then the infrastructure tests (cfn-lint, least privilege, event patterns
# routed by the emulator's EventBridge, table schema, the functions' metrics), and the auditor's
# report in headless Chromium (installed from the distribution's packages when missing).
# Extra arguments go to `cargo test` (e.g. tests/run.sh -p guardrail-core).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/emulator/with-emulator.sh" bash -c '
  set -euo pipefail
  "$GUARDRAIL_PYTHON" tests/emulator/smoke.py "$AWS_ENDPOINT_URL"
  cargo test --workspace --locked "$@"
  cargo build --workspace --bins --locked
  "$GUARDRAIL_PYTHON" -m unittest discover --start-directory tests/infra --top-level-directory tests/infra
  "$GUARDRAIL_PYTHON" -m unittest discover --start-directory tests/report --top-level-directory tests/report
' tests-run "$@"
