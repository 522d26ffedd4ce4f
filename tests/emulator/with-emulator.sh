#!/usr/bin/env bash
# Runs a command against a fresh local AWS emulator: installs it (moto and cfn-lint, pinned in
# tests/emulator/requirements.txt) into a virtualenv when needed, starts it on 127.0.0.1 with this
# project's extensions (server.py), exports the standard AWS variables pointing at it, runs the
# command, and stops the emulator whatever happens. The command's exit status is returned; on
# failure the last emulator log lines are printed.
# Usage: tests/emulator/with-emulator.sh COMMAND [ARGS...]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${GUARDRAIL_VENV:-$root/.venv}"
requirements="$here/requirements.txt"

# Install (or refresh) the emulator when the venv is missing or its requirements changed.
stamp="$venv/.requirements"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$stamp"; then
  echo "with-emulator: installing the emulator into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$stamp"
fi

work="$(mktemp -d)"
log="$work/emulator.log"
# moto's request recorder (the benchmarks count requests with it) writes here, not in the clone.
export MOTO_RECORDER_FILEPATH="$work/recording"
"$venv/bin/python" "$here/server.py" --port-file "$work/url" >"$log" 2>&1 &
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
    echo "with-emulator: the emulator did not start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.2
done
if [ ! -s "$work/url" ]; then
  echo "with-emulator: the emulator did not come up within 30 s:" >&2
  cat "$log" >&2
  exit 1
fi

# The standard AWS SDK variables: the code under test finds the emulator exactly as it finds AWS.
export AWS_ENDPOINT_URL="$(cat "$work/url")"
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_EC2_METADATA_DISABLED=true
export GUARDRAIL_PYTHON="$venv/bin/python"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_DEFAULT_PROFILE GUARDRAIL_POLICY GUARDRAIL_POLICY_TOML GUARDRAIL_MODE ALERT_TOPIC_ARN
echo "with-emulator: emulator at $AWS_ENDPOINT_URL" >&2

status=0
(cd "$root" && "$@") || status=$?
if [ "$status" -ne 0 ]; then
  echo "with-emulator: '$*' failed ($status); last emulator log lines:" >&2
  tail -n 40 "$log" >&2
fi
exit "$status"
