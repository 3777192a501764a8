#!/usr/bin/env bash
# Compares this toolkit with the official SDKs on the same payloads (not part of CI):
# installs the Python SDK (`ecommpay-sdk`, PyPI) and the Node SDK (`ecommpay`, npm) into a
# temporary directory, and the PHP SDK where `php` is installed (from Packagist with composer,
# or from a checkout given as PHP_SDK_DIR), runs each on
# the payloads of tests/benches (the AstroPay purchase success callback, the AstroPay Gate sale
# request), and prints one table: time per operation and each SDK's time as a multiple of ours.
#
# Ours come from criterion (`cargo bench --bench callbacks --bench signing`, run here); each SDK
# verifies a callback it signed itself (the SDKs sort entries by bytes, not naturally, so each
# gets a body its own check accepts) and signs the request as its own signer does.
#   bench/compare-sdks.sh [ITERATIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
iterations="${1:-20000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
key="benchmark-secret-key"

echo "== payloads"
cargo run --quiet --release -p ecommpay-tests --example sdk_payloads -- "$work/payloads"

echo "== ours (criterion)"
cargo bench --quiet -p ecommpay-tests --bench callbacks --bench signing >"$work/ours.log" 2>&1 || {
    tail -20 "$work/ours.log"
    exit 1
}
criterion="${CARGO_TARGET_DIR:-$root/target}/criterion"

declare -A results
python_status="not run"
node_status="not run"
php_status="not run"

echo "== Python SDK (ecommpay-sdk)"
if python3 -m venv "$work/py" >/dev/null 2>&1 &&
    "$work/py/bin/pip" install --quiet --disable-pip-version-check ecommpay-sdk >"$work/pip.log" 2>&1; then
    cat >"$work/bench.py" <<'PY'
import json, sys, time
from payment_page_sdk.signature_handler import SignatureHandler
from payment_page_sdk.callback import Callback
payloads, key, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
handler = SignatureHandler(key)
body = json.load(open(f"{payloads}/callback.json"))
body["signature"] = handler.sign(body)
raw = json.dumps(body)
request = json.load(open(f"{payloads}/request.json"))
Callback(raw, handler)  # verifies, or raises
def per_op(f):
    start = time.perf_counter()
    for _ in range(n):
        f()
    return (time.perf_counter() - start) / n * 1e9
print(json.dumps({
    "callback": per_op(lambda: Callback(raw, handler).get_payment_status()),
    "sign_json": per_op(lambda: handler.sign(request)),
}))
PY
    "$work/py/bin/python" "$work/bench.py" "$work/payloads" "$key" "$iterations" >"$work/python.json"
    python_status="ecommpay-sdk $("$work/py/bin/pip" show ecommpay-sdk 2>/dev/null | awk '/^Version/ {print $2}')"
else
    python_status="could not be installed (see pip's output)"
    tail -5 "$work/pip.log" 2>/dev/null || true
fi

echo "== Node SDK (ecommpay)"
if command -v node >/dev/null && command -v npm >/dev/null &&
    (cd "$work" && npm init -y >/dev/null 2>&1 && npm install --silent --no-audit --no-fund ecommpay >"$work/npm.log" 2>&1); then
    cat >"$work/bench.js" <<'JS'
const fs = require('fs');
const { Callback, signer } = require('ecommpay');
const [payloads, key, n] = [process.argv[2], process.argv[3], Number(process.argv[4])];
const body = JSON.parse(fs.readFileSync(`${payloads}/callback.json`, 'utf8'));
body.signature = signer(body, key);
const raw = JSON.stringify(body);
const request = JSON.parse(fs.readFileSync(`${payloads}/request.json`, 'utf8'));
new Callback(key, raw); // verifies, or throws
function perOp(f) {
  for (let i = 0; i < 1000; i++) f();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  return Number(process.hrtime.bigint() - start) / n;
}
console.log(JSON.stringify({
  callback: perOp(() => new Callback(key, raw).isPaymentSuccess()),
  sign_json: perOp(() => signer(request, key)),
}));
JS
    (cd "$work" && node bench.js "$work/payloads" "$key" "$iterations") >"$work/node.json"
    node_status="ecommpay $(cd "$work" && node -p "require('ecommpay/package.json').version")"
else
    node_status="could not be installed (see npm's output)"
    tail -5 "$work/npm.log" 2>/dev/null || true
fi

echo "== PHP SDK (ecommpay/paymentpage-sdk)"
# From Packagist with composer; or, where Packagist cannot be reached, from a checkout of the
# SDK's sources given as PHP_SDK_DIR (the directory holding its src/).
php_src=""
if command -v php >/dev/null; then
    if [ -n "${PHP_SDK_DIR:-}" ] && [ -f "$PHP_SDK_DIR/src/Callback.php" ]; then
        php_src="$PHP_SDK_DIR/src"
        php_status="ecommpay/paymentpage-sdk from $PHP_SDK_DIR"
    elif command -v composer >/dev/null &&
        (cd "$work" && composer require --quiet ecommpay/paymentpage-sdk >"$work/composer.log" 2>&1); then
        php_src="$work/vendor/ecommpay/paymentpage-sdk/src"
        php_status="ecommpay/paymentpage-sdk from Packagist"
    else
        php_status="skipped: composer cannot install ecommpay/paymentpage-sdk here; set PHP_SDK_DIR to a checkout of it"
    fi
else
    php_status="skipped: php-cli is not installed"
fi
if [ -n "$php_src" ]; then
    cat >"$work/bench.php" <<'PHP'
<?php
[$_, $src, $payloads, $key, $n] = $argv;
foreach (['exception/SdkException', 'exception/ProcessException', 'exception/ValidationException',
          'SignatureHandler', 'Callback'] as $file) {
    require_once "$src/$file.php";
}
$handler = new ecommpay\SignatureHandler($key);
$body = json_decode(file_get_contents("$payloads/callback.json"), true);
$body['signature'] = $handler->sign($body);
$raw = json_encode($body);
$request = json_decode(file_get_contents("$payloads/request.json"), true);
new ecommpay\Callback($raw, $handler); // verifies, or throws
function per_op(callable $f, int $n): float {
    for ($i = 0; $i < 1000; $i++) { $f(); }
    $start = hrtime(true);
    for ($i = 0; $i < $n; $i++) { $f(); }
    return (hrtime(true) - $start) / $n;
}
echo json_encode([
    'callback' => per_op(fn() => (new ecommpay\Callback($raw, $handler))->getPaymentStatus(), (int) $n),
    'sign_json' => per_op(fn() => $handler->sign($request), (int) $n),
]), "\n";
PHP
    php "$work/bench.php" "$php_src" "$work/payloads" "$key" "$iterations" >"$work/php.json"
fi

python3 - "$criterion" "$work" "$python_status" "$node_status" "$php_status" <<'PY'
import json, os, sys
criterion, work, py_status, node_status, php_status = sys.argv[1:6]
def estimate(group, bench):
    try:
        e = json.load(open(f"{criterion}/{group}/{bench}/new/estimates.json"))
    except OSError:
        return None
    return (e.get("slope") or {}).get("point_estimate") or e["mean"]["point_estimate"]
ours = {
    "callback": ("callback verify + parse", estimate("callback_verify_parse", "one_pass")),
    "sign_json": ("sign a JSON request", estimate("signing", "json_value")),
}
def load(name):
    path = f"{work}/{name}.json"
    return json.load(open(path)) if os.path.exists(path) else {}
sdks = [
    ("PHP", load("php"), php_status),
    ("Python", load("python"), py_status),
    ("Node", load("node"), node_status),
]
def us(ns):
    return f"{ns / 1000:.2f} µs" if ns else "-"
print()
header = f"{'operation':<26} {'ours':>10}"
for name, _, _ in sdks:
    header += f" {name:>12} {name + '/ours':>12}"
print(header)
for key, (label, mine) in ours.items():
    row = f"{label:<26} {us(mine):>10}"
    for _, results, _ in sdks:
        theirs = results.get(key)
        ratio = f"{theirs / mine:.1f}x" if theirs and mine else "-"
        row += f" {us(theirs):>12} {ratio:>12}"
    print(row)
print()
for name, _, status in sdks:
    print(f"{name}: {status}")
PY
