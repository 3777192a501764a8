#!/usr/bin/env bash
# The interop checks (tests/interop/README.md): software nobody here wrote, against the mock and
# the OpenAPI document. Installs pinned packages only (tests/python/requirements-interop.txt,
# tests/interop/package-lock.json); needs the `ecommpay` and `ecommpay-codegen` binaries built.
#   tests/interop/run.sh [TARGET_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${1:-target}"
binary="$target/debug/ecommpay"
work="$target/interop"
rm -rf "$work"
mkdir -p "$work"

echo "-- installing: pip (requirements-interop.txt) and npm ci (package-lock.json)"
python3 -m venv "$target/ci-interop"
python="$target/ci-interop/bin/python"
"$python" -m pip install --quiet --disable-pip-version-check -r tests/python/requirements-interop.txt
(cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)

echo "-- the OpenAPI document"
cargo run --quiet -p ecommpay-codegen -- openapi --out "$work/openapi.json"

echo "-- the official SDKs against ecommpay mock"
"$python" tests/interop/sdk_flows.py "$binary" "$work/sdk"

echo "-- openapi-python-client"
"$python" tests/interop/openapi_python_client.py "$work/openapi.json" "$binary" "$work/python-client"

echo "-- openapi-typescript, then tsc --strict on its output"
said="$(tests/interop/node_modules/.bin/openapi-typescript "$work/openapi.json" -o "$work/openapi.d.ts" 2>&1)"
echo "$said"
# Its two progress lines (the version, then the file written); anything else is a warning.
if [ "$(echo "$said" | grep -cv -e '^✨ openapi-typescript' -e '^🚀 ')" != 0 ]; then
    echo "openapi-typescript printed more than its progress" >&2
    exit 1
fi
tests/interop/node_modules/.bin/tsc --strict --noEmit --skipLibCheck false "$work/openapi.d.ts"
echo "openapi-typescript: clean, and its types pass tsc --strict"

echo "-- Schemathesis against ecommpay mock (positive data, 20 examples per operation, seed 19)"
"$python" tests/interop/schemathesis_run.py "$work/openapi.json" "$binary" "$work/schemathesis" 20 19
