"""The official SDKs against `ecommpay mock`.

Starts the mock with a callback endpoint that keeps every raw body, then:
- sends every Gate operation of the spec (each from the spec's example request, signed by the
  official Python SDK's signer), follow-ups after the payment they need: a sale refunded in two
  parts, an auth captured and one canceled, a sale that registers a recurring payment, debited
  with the `recurring.id` of its registration callback and then canceled, payouts, a card payout
  registration completed on the Payment Page with the `uuid` of its callback;
- builds a Payment Page URL for every Payment Page operation with the Python SDK, the Node SDK
  and, where `php` and the PHP SDK's sources (`PHP_SDK_DIR`) are present, the PHP SDK (without
  boolean parameters: see tests/interop/README.md), opens it on the mock and presses "Pay";
- has every callback the mock delivered verified by each SDK: 100% must pass;
- checks that a boolean parameter as the Python and Node SDKs send it (`True`/`true`, signed as
  `1`) is refused with its explanation.

    python sdk_flows.py ECOMMPAY_BINARY WORKDIR
"""

import copy
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import time

from common import (
    KEY,
    CallbackCollector,
    Mock,
    operations,
    sign_gate_request,
    spec_examples,
)
from payment_page_sdk.callback import Callback
from payment_page_sdk.gate import Gate
from payment_page_sdk.payment import Payment
from payment_page_sdk.signature_handler import SignatureHandler

HERE = os.path.dirname(os.path.abspath(__file__))
ids = itertools.count(1)


def new_id(prefix):
    return f"{prefix}-{next(ids)}"


class GateFlows:
    """Every Gate operation, each request signed by the Python SDK and answered 200."""

    def __init__(self, mock, collector, binary):
        self.mock = mock
        self.collector = collector
        self.paths = dict(operations(binary, "gate"))
        self.examples = {op: bodies[0][1] for op, bodies in spec_examples("request").items()}
        self.sent = set()

    def body(self, operation, payment_id, **changes):
        body = copy.deepcopy(self.examples[operation])
        body["general"]["payment_id"] = payment_id
        for pointer, value in changes.items():
            *parents, last = pointer.split(".")
            target = body
            for name in parents:
                target = target.setdefault(name, {})
            if value is None:
                target.pop(last, None)
            else:
                target[last] = value
        return body

    def send(self, operation, body):
        status, answer = self.mock.post(self.paths[operation], sign_gate_request(body))
        if status != 200:
            raise AssertionError(f"{operation}: {status} {answer}\n{json.dumps(body)}")
        self.sent.add(operation)
        return answer

    def callback_of(self, payment_id, operation_type, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for body in self.collector.parsed():
                payment = body.get("payment") or {}
                operation = body.get("operation") or {}
                if payment.get("id") == payment_id and operation.get("type") == operation_type:
                    return body
            time.sleep(0.1)
        raise AssertionError(f"no {operation_type} callback for {payment_id}")

    def run(self):
        for operation in [
            "astropay.gate.sale",
            "astropay.gate.payout",
            "astropay.gate.pix_payout",
            "paypal.gate.payout",
            "upi.gate.payout",
        ]:
            self.send(operation, self.body(operation, new_id(operation)))

        # Numbers that are not integers, as other parameters: the SDK signs them as every SDK
        # writes them (1.5, 0.0015), and the mock verifies them so.
        self.send(
            "paypal.gate.sale",
            self.body("paypal.gate.sale", new_id("paypal-sale-rates"), **{"customer.rates": [1.5, {"fee": 0.0015}]}),
        )
        sale = new_id("paypal-sale")
        self.send("paypal.gate.sale", self.body("paypal.gate.sale", sale, **{"payment.amount": 1000}))
        for amount in (400, None):
            refund = self.body("paypal.gate.refund", sale, **{"payment.amount": amount})
            if amount is None:
                refund["payment"].pop("currency", None)
            self.send("paypal.gate.refund", refund)

        for follow_up in ("paypal.gate.capture", "paypal.gate.cancel"):
            auth = new_id("paypal-auth")
            self.send("paypal.gate.auth", self.body("paypal.gate.auth", auth))
            self.send(follow_up, self.body(follow_up, auth))

        # A sale in its recurring_registration variant: the registration callback's recurring.id
        # is debited, then canceled.
        registering = new_id("paypal-recurring-registration")
        body = self.body("paypal.gate.sale", registering)
        body["recurring"] = {
            "register": True, "type": "R", "amount": 1000, "period": "W", "interval": 1,
            "time": "10:00:00", "start_date": "21-11-2030", "scheduled_payment_id": f"{registering}-plan",
        }
        self.send("paypal.gate.sale", body)
        recurring_id = self.callback_of(registering, "recurring")["recurring"]["id"]
        self.send(
            "paypal.gate.recurring",
            self.body("paypal.gate.recurring", new_id("paypal-debit"), **{"recurring.id": recurring_id}),
        )
        self.send(
            "paypal.gate.recurring_cancel",
            self.body("paypal.gate.recurring_cancel", registering, **{"recurring.id": recurring_id}),
        )

        # UPI: channel 1 with a customer id, channel 2 (and the refund) without one.
        upi = new_id("upi-sale")
        self.send("upi.gate.sale", self.body("upi.gate.sale", upi))
        channel_2 = spec_examples("request")["upi.gate.sale"][1][1]
        channel_2["general"]["payment_id"] = new_id("upi-sale-channel-2")
        self.send("upi.gate.sale", channel_2)
        self.send(
            "upi.gate.refund",
            self.body("upi.gate.refund", upi, **{"payment.amount": 100, "payment.currency": "USD"}),
        )
        missing = set(self.paths) - self.sent - {"card_payout.gate.payout_registration"}
        assert not missing, f"Gate operations the flows do not send: {sorted(missing)}"

    def register_card_payout(self):
        """A card payout registered through the Gate: (payment id, its callback's uuid)."""
        payment_id = new_id("card-payout")
        self.send(
            "card_payout.gate.payout_registration",
            self.body("card_payout.gate.payout_registration", payment_id),
        )
        registration = self.callback_of(payment_id, "payout")
        return payment_id, registration["uuid"]


def payment_page_params(gate_flows):
    """One parameter set per Payment Page operation, without booleans (the Python and Node SDKs
    send `True`/`true` but sign `1`: see README.md); objects as the JSON text the URL carries.
    Each call gives new payment ids and a new card payout registration."""
    examples = {op: bodies[0][1] for op, bodies in spec_examples("request").items()}

    def as_url_params(params, prefix):
        params = copy.deepcopy(params)
        params["payment_id"] = new_id(prefix)
        for name, value in params.items():
            if isinstance(value, (dict, list)):
                params[name] = json.dumps(value, ensure_ascii=False)
        return params

    sets = {
        "astropay.payment_page.purchase": as_url_params(examples["astropay.payment_page.purchase"], "pp-astropay"),
        "paypal.payment_page.purchase": as_url_params(examples["paypal.payment_page.purchase"], "pp-paypal"),
        "upi.payment_page.purchase": {
            # No customer_id: its callback must leave `customer` out rather than send null.
            "project_id": 120, "payment_id": new_id("pp-upi"), "payment_amount": 50000,
            "payment_currency": "INR", "force_payment_method": "upi",
            "payment_description": "Cyrillic, & and +: Оплата заказа №1 & 2 + 3",
            # Another parameter that is not an integer: each SDK sends the text it signs (1.5).
            "rate": 1.5,
        },
    }
    recurring = copy.deepcopy(examples["paypal.payment_page.recurring_registration"])
    # The example leaves out recurring.interval, which recurring.period requires. A boolean inside
    # the JSON text (recurring.register) is text, sent as it is signed.
    recurring["recurring"]["interval"] = 1
    sets["paypal.payment_page.recurring_registration"] = as_url_params(recurring, "pp-recurring")

    payout = copy.deepcopy(examples["card_payout.payment_page.payout"])
    payout.pop("account_token", None)
    payment_id, uuid = gate_flows.register_card_payout()
    registered = gate_flows.examples["card_payout.gate.payout_registration"]
    payout.update({
        "project_id": registered["general"]["project_id"], "payment_id": payment_id, "uuid": uuid,
        "payment_amount": registered["payment"]["amount"], "payment_currency": registered["payment"]["currency"],
    })
    sets["card_payout.payment_page.payout"] = payout
    return sets


def python_sdk_url(base_url, params):
    gate = Gate(KEY, base_url)
    payment = Payment(str(params["project_id"]), str(params["payment_id"]))
    for name, value in params.items():
        if name not in ("project_id", "payment_id"):
            setattr(payment, name, value)
    return gate.get_purchase_payment_page_url(payment)


def node_sdk_urls(base_url, param_sets, workdir):
    path = os.path.join(workdir, "node-params.json")
    with open(path, "w") as f:
        json.dump(param_sets, f, ensure_ascii=False)
    out = subprocess.run(
        ["node", os.path.join(HERE, "node_sdk.mjs"), "urls", KEY, base_url, path],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def php_sdk_src():
    """The PHP SDK's src/ where `php` and a checkout of it are present; else why not (str)."""
    sdk = os.environ.get("PHP_SDK_DIR", "")
    if not shutil.which("php"):
        return None, "php-cli is not installed"
    if not sdk or not os.path.isfile(os.path.join(sdk, "src", "Callback.php")):
        return None, (
            "PHP_SDK_DIR does not name a checkout of ITECOMMPAY/paymentpage-sdk-php "
            "(its sources are on no registry CI reaches)"
        )
    return os.path.join(sdk, "src"), None


def php_sdk(src, *args):
    out = subprocess.run(
        ["php", os.path.join(HERE, "php_sdk.php"), src, *args],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def open_and_pay(mock, url, sdk, operation):
    status, page = mock.get(url)
    if status != 200:
        raise AssertionError(f"{sdk} SDK, {operation}: the page answered {status}\n{url}\n{page[:2000]}")
    token = re.search(r'action="(/payment/\d+)"', page)
    assert token, f"{sdk} SDK, {operation}: no form on the page"
    form = "outcome=pay"
    choice = re.search(r'<option value="([^"]+)"', page)
    if choice:
        form += "&operation=" + choice.group(1)
    status, result = mock.post(token.group(1), form.encode(), "application/x-www-form-urlencoded")
    if status != 200 or "HTTP 200" not in result:
        raise AssertionError(f"{sdk} SDK, {operation}: the press answered {status}\n{result[:2000]}")


def boolean_urls_are_refused_with_their_explanation(mock, workdir):
    """A boolean parameter: the Python SDK sends `True`, the Node SDK `true`, both sign `1`. The
    documents do not say what the platform does with that, so the mock refuses it (403), and the
    page must say which parameter, both texts and what to do."""
    params = {
        "project_id": 120, "payment_id": new_id("pp-boolean"), "payment_amount": 1000,
        "payment_currency": "BRL", "customer_id": "customer1", "customer_country": "BR",
        "force_payment_method": "astropay", "redirect": True,
    }
    node_params = dict(params, payment_id=new_id("pp-boolean"))
    urls = {
        ("Python", "True"): python_sdk_url(mock.base_url + "/payment", params),
        ("Node", "true"): node_sdk_urls(mock.base_url, {"boolean": node_params}, workdir)["boolean"],
    }
    for (sdk, sent), url in urls.items():
        status, page = mock.get(url)
        explained = f"&quot;redirect&quot; signed as 1 where the URL sends {sent}"
        if status != 403 or explained not in page or "instead of a boolean" not in page:
            raise AssertionError(f"{sdk} SDK, redirect={sent}: {status}, no explanation\n{page[:2000]}")
        print(f"Payment Page: the {sdk} SDK's redirect={sent} (signed as 1) is refused with its explanation")


def verify_with_python_sdk(raw_bodies):
    failures = []
    for raw in raw_bodies:
        try:
            Callback(raw.decode(), SignatureHandler(KEY))
        except Exception as error:  # noqa: BLE001 (ProcessException, or anything the SDK hits)
            failures.append(f"{error!r}: {raw[:300]!r}")
    return failures


def main():
    binary, workdir = sys.argv[1], sys.argv[2]
    os.makedirs(workdir, exist_ok=True)
    collector = CallbackCollector()
    mock = Mock(binary, workdir, collector.url)
    try:
        gate = GateFlows(mock, collector, binary)
        gate.run()

        opened = {}
        # Each SDK gets its own parameter sets (new payment ids, its own card payout registration).
        for operation, params in payment_page_params(gate).items():
            open_and_pay(mock, python_sdk_url(mock.base_url + "/payment", params), "Python", operation)
            opened.setdefault("Python", []).append(operation)
        node_sets = payment_page_params(gate)
        for operation, url in node_sdk_urls(mock.base_url, node_sets, workdir).items():
            open_and_pay(mock, url, "Node", operation)
            opened.setdefault("Node", []).append(operation)
        php_src, php_skipped = php_sdk_src()
        if php_src:
            path = os.path.join(workdir, "php-params.json")
            with open(path, "w") as f:
                json.dump(payment_page_params(gate), f, ensure_ascii=False)
            for operation, url in php_sdk(php_src, "urls", KEY, mock.base_url + "/payment", path).items():
                open_and_pay(mock, url, "PHP", operation)
                opened.setdefault("PHP", []).append(operation)
        else:
            print(f"PHP SDK skipped: {php_skipped}")
        pages = sorted(op for op, _ in operations(binary, "payment_page"))
        for sdk, done in opened.items():
            assert sorted(done) == pages, f"{sdk} SDK opened {sorted(done)}, not {pages}"
            print(f"Payment Page: {sdk} SDK URLs for {len(done)} operations opened and paid")

        boolean_urls_are_refused_with_their_explanation(mock, workdir)

        deliveries = mock.settled(collector)
        raw = collector.received()
        unanswered = [d for d in deliveries if d["answered"] != 200]
        assert not unanswered, f"deliveries not answered 200: {unanswered[:5]}"
        callbacks_path = os.path.join(workdir, "callbacks.jsonl")
        with open(callbacks_path, "wb") as f:
            f.write(b"\n".join(raw) + b"\n")
        print(f"callbacks: {len(raw)} delivered")

        results = {"Python": verify_with_python_sdk(raw)}
        node = subprocess.run(
            ["node", os.path.join(HERE, "node_sdk.mjs"), "verify", KEY, callbacks_path],
            check=True, capture_output=True, text=True,
        ).stdout
        results["Node"] = json.loads(node)
        if php_src:
            results["PHP"] = php_sdk(php_src, "verify", KEY, callbacks_path)
        failed = False
        for sdk, failures in results.items():
            print(f"{sdk} SDK verified {len(raw) - len(failures)} of {len(raw)} callbacks")
            for failure in failures[:10]:
                print(f"  {failure}")
            failed |= bool(failures)
        if failed:
            sys.exit(1)
    finally:
        mock.stop()
        collector.stop()


if __name__ == "__main__":
    main()
