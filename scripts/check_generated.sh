#!/usr/bin/env bash
# Fail when generated/ differs from what the spec, the config and the templates produce now.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
"$root/scripts/generate.sh" "$scratch/generated" >/dev/null
if ! diff -ru --exclude=__pycache__ "$root/generated" "$scratch/generated"; then
  echo "generated/ is out of date: run 'make generate' and commit the result." >&2
  exit 1
fi
echo "generated/ is up to date."
