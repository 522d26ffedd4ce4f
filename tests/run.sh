#!/usr/bin/env bash
# Runs every test of the workspace. Needs only python3 and cargo: it installs the local AWS
# emulator (moto) and cfn-lint, pinned in tests/emulator/requirements.txt, into a virtualenv, starts it on
# 127.0.0.1 with this project's extensions (tests/emulator/server.py), points the standard AWS
# variables at it, runs `cargo test --workspace`, and stops it whatever happens.
# Extra arguments go to `cargo test` (e.g. tests/run.sh -p guardrail-core).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
venv="${GUARDRAIL_VENV:-$root/.venv}"
requirements="$here/emulator/requirements.txt"

# Install (or refresh) the emulator when the venv is missing or its requirements changed.
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$stamp"; then
  echo "tests/run.sh: installing the emulator into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$stamp"
fi

work="$(mktemp -d)"
log="$work/emulator.log"
"$venv/bin/python" "$here/emulator/server.py" --port-file "$work/url" >"$log" 2>&1 &
emulator=$!
stop_emulator() {
  kill "$emulator" 2>/dev/null || true
  wait "$emulator" 2>/dev/null || true
  rm -rf "$work"
}
trap stop_emulator EXIT

for _ in $(seq 1 150); do
  [ -s "$work/url" ] && break
  if ! kill -0 "$emulator" 2>/dev/null; then
    echo "tests/run.sh: the emulator did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done
if [ ! -s "$work/url" ]; then
  echo "tests/run.sh: the emulator did not come up within 30 s:" >&2
  cat "$log" >&2
  exit 1
fi

# The standard AWS SDK variables: the code under test finds the emulator exactly as it finds AWS.
export AWS_ENDPOINT_URL="$(cat "$work/url")"
export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE GUARDRAIL_POLICY GUARDRAIL_MODE ALERT_TOPIC_ARN
echo "tests/run.sh: emulator at $AWS_ENDPOINT_URL" >&2

status=0
# First the emulator's own checks (each patch behaves like AWS), then the workspace's tests.
"$venv/bin/python" "$here/emulator/smoke.py" "$AWS_ENDPOINT_URL" || status=$?
if [ "$status" -eq 0 ]; then
  (cd "$root" && cargo test --workspace --locked "$@") || status=$?
fi
# The infrastructure templates against the code and the samples (cfn-lint, least privilege,
# event patterns routed by the emulator's EventBridge, table schema).
if [ "$status" -eq 0 ]; then
  "$venv/bin/python" -m unittest discover --start-directory "$here/infra" --top-level-directory "$here/infra" || status=$?
fi
if [ "$status" -ne 0 ]; then
  echo "tests/run.sh: tests failed; last emulator log lines:" >&2
  tail -n 40 "$log" >&2
fi
exit "$status"
