"""Schemathesis hooks (SCHEMATHESIS_HOOKS) for `schemathesis run` against `ecommpay mock`.

Before each call: a Gate body gets its own `general.payment_id`; a follow-up first opens, through
the mock, the payment it needs (an auth to capture or cancel, a sale to refund, a sale that
registers a recurring payment whose `recurring.id` a debit or a cancel names); then the body is
signed by the toolkit's signer (`ecommpay sign`). A Payment Page query gets its values as the URL
carries them (text; objects as JSON text) and its signature.

The check `no_schema_valid_body_refused_as_invalid_request` fails a call whose generated body
(schema-valid: the run is in positive mode) the mock refused as breaking the documents' rules, or
whose body `ecommpay sign` signed and the mock refused as `invalid_signature`.
`after_call` counts the answers by status and code into SCHEMATHESIS_SUMMARY, which run.sh prints.

Environment: ECOMMPAY_BINARY, MOCK_BASE_URL, MOCK_CALLBACKS (the collector's file of raw callbacks, one a line),
SCHEMATHESIS_SUMMARY (a JSON file).
"""

import collections
import copy
import itertools
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import schemathesis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import KEY, spec_examples

BASE_URL = os.environ["MOCK_BASE_URL"]
BINARY = os.environ["ECOMMPAY_BINARY"]
CALLBACKS = os.environ["MOCK_CALLBACKS"]
SUMMARY = os.environ["SCHEMATHESIS_SUMMARY"]
EXAMPLES = {op: bodies[0][1] for op, bodies in spec_examples("request").items()}
ids = itertools.count(1)
answers = collections.Counter()


def new_id(prefix):
    return f"st-{prefix}-{os.getpid()}-{next(ids)}"


def post(path, body):
    """POSTs a JSON body to the mock; its HTTP status and answer."""
    request = urllib.request.Request(
        BASE_URL + path, data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def signed(body, kind):
    """`body` signed by the toolkit's own signer (`ecommpay sign`): the run checks the mock
    against the document, not an SDK's canonical form (sdk_flows.py does that). None when the
    signer refuses the body (a non-integer number, say), with the reason counted."""
    run = subprocess.run(
        [BINARY, "sign", "--kind", kind], input=json.dumps(body).encode(),
        capture_output=True, env={"ECOMMPAY_SECRET_KEY": KEY}, check=False,
    )
    if run.returncode != 0:
        said = run.stderr.decode(errors="replace").strip()
        # One line per kind of refusal, without the generated value and path it names.
        reason = said.split('"', 1)[0].strip()[:120] if said else "?"
        answers[f"not signed ({kind}): {reason}"] += 1
        return None
    return run.stdout.decode().strip()


def signed_gate_body(body):
    body = copy.deepcopy(body)
    general = body.setdefault("general", {})
    general.pop("signature", None)
    signature = signed(body, "gate")
    if signature is not None:
        general["signature"] = signature
    return body


def open_payment(operation, path, currency=None, recurring=False):
    """Opens a payment through the mock with the spec's example of `operation`, for as large an
    amount as its limits allow and in the follow-up's currency where its rules allow; its id."""
    example = EXAMPLES[operation]
    payment_id = new_id(operation.split(".")[-1])
    attempts = [(6_000_000, currency), (6_000_000, None), (example["payment"]["amount"], None)]
    for amount, in_currency in attempts:
        body = copy.deepcopy(example)
        body["general"]["payment_id"] = payment_id
        body["payment"]["amount"] = amount
        if in_currency:
            body["payment"]["currency"] = in_currency
        if recurring:
            body["recurring"] = {
                "register": True, "type": "R", "amount": 1000, "period": "W", "interval": 1,
                "time": "10:00:00", "start_date": "21-11-2030", "scheduled_payment_id": f"{payment_id}-plan",
            }
        status, answer = post(path, signed_gate_body(body))
        if status == 200:
            return payment_id
    raise AssertionError(f"cannot open a payment with {operation}: {status} {answer[:1000]!r}")


def registered_recurring_id(payment_id, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open(CALLBACKS, "rb") as f:
            for line in f:
                callback = json.loads(line)
                if callback.get("payment", {}).get("id") == payment_id and "recurring" in callback:
                    return callback["recurring"]["id"]
        time.sleep(0.05)
    raise AssertionError(f"no registration callback for {payment_id}")


PAYPAL = "/v2/payment/wallet/paypal"


def prepare_gate_body(operation_id, body):
    """The payment the follow-up needs, opened; the body pointed at it."""
    currency = (body.get("payment") or {}).get("currency") if isinstance(body.get("payment"), dict) else None
    general = body.setdefault("general", {})
    if operation_id in ("paypal.gate.capture", "paypal.gate.cancel"):
        general["payment_id"] = open_payment("paypal.gate.auth", f"{PAYPAL}/auth")
    elif operation_id == "paypal.gate.refund":
        general["payment_id"] = open_payment("paypal.gate.sale", f"{PAYPAL}/sale", currency)
    elif operation_id == "upi.gate.refund":
        general["payment_id"] = open_payment("upi.gate.sale", "/v2/payment/bank-transfer/upi/sale", currency)
    elif operation_id in ("paypal.gate.recurring", "paypal.gate.recurring_cancel"):
        registering = open_payment("paypal.gate.sale", f"{PAYPAL}/sale", recurring=True)
        body.setdefault("recurring", {})["id"] = registered_recurring_id(registering)
        general["payment_id"] = registering if operation_id.endswith("_cancel") else new_id("debit")
    else:
        general["payment_id"] = new_id(operation_id.split(".")[-1])


def as_url_text(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


@schemathesis.hook
def before_call(context, case, **kwargs):
    operation_id = case.operation.definition.raw.get("operationId", "")
    if operation_id == "payment_page.open":
        query = {name: as_url_text(value) for name, value in (case.query or {}).items() if name != "signature"}
        query["payment_id"] = new_id("page")
        signature = signed(query, "payment-page")
        if signature is not None:
            query["signature"] = signature
        case.query = query
    elif isinstance(case.body, dict):
        prepare_gate_body(operation_id, case.body)
        case.body = signed_gate_body(case.body)


def content_type(response):
    """Schemathesis keeps headers with lowercase names and list values."""
    return " ".join(response.headers.get("content-type", []))


@schemathesis.hook
def after_call(context, case, response):
    code = ""
    if "json" in content_type(response):
        try:
            code = response.json().get("code", "")
        except ValueError:
            code = "(not JSON)"
    operation_id = case.operation.definition.raw.get("operationId")
    answers[f"{operation_id} {response.status_code} {code}".strip()] += 1
    with open(SUMMARY, "w") as f:
        json.dump(answers, f, indent=1, sort_keys=True)


@schemathesis.check
def no_schema_valid_body_refused_as_invalid_request(ctx, response, case):
    if response.status_code == 403 and "signature" in (case.query or {}):
        raise AssertionError("Payment Page parameters signed by `ecommpay sign` were refused (403)")
    if response.status_code != 400 or "json" not in content_type(response):
        return
    answer = response.json()
    signed_body = isinstance(case.body, dict) and isinstance(case.body.get("general"), dict) \
        and "signature" in case.body["general"]
    if answer.get("code") == "invalid_signature" and signed_body:
        raise AssertionError(f"a body signed by `ecommpay sign` was refused: {answer.get('message')}")
    if answer.get("code") == "invalid_request":
        raise AssertionError(
            "a body the schema accepts was refused as breaking the documents' rules: "
            + json.dumps(answer.get("errors"), ensure_ascii=False)[:1500]
        )
    return
