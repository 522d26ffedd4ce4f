#!/usr/bin/env bash
# Builds the two Lambda zips for arm64 (Graviton) with cargo-lambda and prints their sizes:
#   target/lambda/inspector/bootstrap.zip, target/lambda/sweeper/bootstrap.zip
# Needs python3 and rustup; installs cargo-lambda (with zig) from PyPI into .venv-lambda and the
# aarch64 standard library with rustup when they are missing. Extra arguments go to
# `cargo lambda build`.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${GUARDRAIL_LAMBDA_VENV:-$root/.venv-lambda}"
if [ ! -x "$venv/bin/cargo-lambda" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check cargo-lambda
fi
if ! rustup target list --installed | grep -qx aarch64-unknown-linux-gnu; then
  rustup target add aarch64-unknown-linux-gnu
fi
cd "$root"
PATH="$venv/bin:$PATH" cargo lambda build --release --arm64 --output-format zip \
  --bin inspector --bin sweeper "$@"
lambda_dir="${CARGO_TARGET_DIR:-$root/target}/lambda"
for f in inspector sweeper; do
  ls -l "$lambda_dir/$f/bootstrap.zip"
done
