#!/usr/bin/env bash
# Generate the typed client from openapi/ into the folder given (generated/ for `make generate`).
# The generator, ruff and the post-hooks are pinned (requirements/dev.txt, generator/config.yaml).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$1
openapi-python-client generate \
  --path "$root/openapi/offlineface.yaml" \
  --config "$root/generator/config.yaml" \
  --custom-template-path "$root/generator/templates" \
  --meta uv \
  --fail-on-warning \
  --overwrite \
  --output-path "$out"
