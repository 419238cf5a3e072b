#!/usr/bin/env bash
# Fail when generated/ (or the sandbox's rules) differ from what the spec, the config and the templates produce now.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$root/scripts/generate.sh" "$scratch/generated" >/dev/null
if ! diff -ru --exclude=__pycache__ "$root/generated" "$scratch/generated"; then
  echo "generated/ is out of date: run 'make generate' and commit the result." >&2
  exit 1
fi
rules=sandbox/wechatpay_sandbox/operations.json
python3 "$root/scripts/sandbox_operations.py" "$root/openapi/offlineface.yaml" > "$scratch/operations.json"
if ! diff -u "$root/$rules" "$scratch/operations.json"; then
  echo "$rules is out of date: run 'make generate' and commit the result." >&2
  exit 1
fi
echo "generated/ and $rules are up to date."
