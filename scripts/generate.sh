#!/usr/bin/env bash
# Generate the typed client from the OpenAPI document into the folder given (generated/ for `make generate`).
#
#   scripts/generate.sh OUT [SPEC]      SPEC defaults to openapi/offlineface.yaml
#
# Atomic: the client is generated into a temporary folder beside OUT and checked there (every module imports);
# only then does it replace OUT, in one rename. A failed run leaves OUT as it was and says why.
# The generator, ruff and the post-hooks are pinned (requirements/dev.txt, generator/config.yaml).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: scripts/generate.sh OUT [SPEC]}
spec=${2:-$root/openapi/offlineface.yaml}
out=${out%/}
mkdir -p "$(dirname "$out")"
parent=$(cd "$(dirname "$out")" && pwd)
# Beside OUT, so that the final rename stays on one file system; removed whatever happens.
scratch=$(mktemp -d "$parent/.generate.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

fail() {
  echo "make generate failed: $1" >&2
  echo "$out was left as it was." >&2
  exit 1
}

# The templates, plus what they read from the spec's x-wechatpay-* extensions (scripts/spec_extensions.py).
templates="$scratch/templates"
cp -R "$root/generator/templates" "$templates"
if ! python3 "$root/scripts/spec_extensions.py" "$spec" >"$templates/wechatpay_extensions.jinja" 2>"$scratch/extensions.log"; then
  cat "$scratch/extensions.log" >&2
  fail "scripts/spec_extensions.py could not read the x-wechatpay-* extensions of $spec (its messages are above)"
fi
if ! openapi-python-client generate \
  --path "$spec" \
  --config "$root/generator/config.yaml" \
  --custom-template-path "$templates" \
  --meta uv \
  --fail-on-warning \
  --output-path "$scratch/generated" >"$scratch/generator.log" 2>&1; then
  cat "$scratch/generator.log" >&2
  fail "openapi-python-client could not generate the client from $spec (its messages are above)"
fi
# The package is built by the repository's pyproject.toml: the generator's own project files are not used.
rm -f "$scratch/generated/pyproject.toml" "$scratch/generated/.gitignore"
# Hand-written modules that ship inside the package (typed and linted where they are kept).
cp "$root"/generator/package_extras/*.py "$scratch/generated/wechatpay_offlineface/"

# Check: every generated module imports (syntax, names, the templates' imports), without writing bytecode.
if ! PYTHONDONTWRITEBYTECODE=1 python - "$scratch/generated" "$root/signing_plugin" >"$scratch/check.log" 2>&1 <<'PY'; then
import importlib
import pkgutil
import sys

sys.path[:0] = sys.argv[1:]  # the new client first, and the wechatpay_signing it imports
package = importlib.import_module("wechatpay_offlineface")
assert package.__file__ is not None and package.__file__.startswith(sys.argv[1]), package.__file__
for module in pkgutil.walk_packages(package.__path__, "wechatpay_offlineface."):
    importlib.import_module(module.name)
PY
  cat "$scratch/check.log" >&2
  fail "the generated client does not import (the traceback is above)"
fi

# Swap: the old folder is moved aside, the new one renamed into place, then the old one removed.
if [ -e "$out" ]; then
  mv "$out" "$scratch/previous"
fi
mv "$scratch/generated" "$out"
echo "Generated $out from $spec"
