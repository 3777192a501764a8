"""openapi-python-client on the OpenAPI document of `ecommpay-codegen openapi`.

- generates a client with no warning (its whole output is checked: only its progress lines);
- imports every generated module (each operation, each model);
- sends a PayPal sale through the generated client to `ecommpay mock`, the body signed on its
  way by a small httpx transport (the official Python SDK's signer), and expects 200.

    python openapi_python_client.py OPENAPI_JSON ECOMMPAY_BINARY WORKDIR
"""

import importlib
import json
import os
import pkgutil
import shutil
import subprocess
import sys

import httpx
from common import Mock, sign_gate_request, spec_examples

PACKAGE = "ecommpay_openapi_client"


def generate(document, workdir):
    output = os.path.join(workdir, PACKAGE)
    shutil.rmtree(output, ignore_errors=True)
    config = os.path.join(workdir, "openapi-python-client.yaml")
    with open(config, "w") as f:
        # No formatter run afterwards: the check is about the generator, not ruff's output.
        f.write("post_hooks: []\n")
    generator = os.path.join(os.path.dirname(sys.executable), "openapi-python-client")
    run = subprocess.run(
        [generator, "generate", "--path", document, "--meta", "none",
         "--output-path", output, "--config", config],
        capture_output=True, text=True, check=False,
    )
    said = [line for line in (run.stdout + run.stderr).splitlines() if line.strip()]
    unexpected = [line for line in said if not line.startswith("Generating ")]
    if run.returncode != 0 or unexpected:
        print("\n".join(said))
        raise SystemExit(f"openapi-python-client: exit {run.returncode}, {len(unexpected)} unexpected lines")
    print("openapi-python-client: generated with no warning")


def import_everything(workdir):
    sys.path.insert(0, workdir)
    package = importlib.import_module(PACKAGE)
    modules = [m.name for m in pkgutil.walk_packages(package.__path__, PACKAGE + ".")]
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # noqa: BLE001 (every module that fails, with its error)
            failed.append(f"{name}: {error!r}")
    operations = [name for name in modules if name.startswith(PACKAGE + ".api.") and name.count(".") == 3]
    if failed:
        raise SystemExit("modules that do not import:\n" + "\n".join(failed))
    print(f"openapi-python-client: all {len(modules)} modules import, {len(operations)} of them operations")
    return operations


class SigningTransport(httpx.HTTPTransport):
    """Signs each JSON request body on its way out, as a merchant's hook would."""

    def handle_request(self, request):
        body = sign_gate_request(json.loads(request.read()))
        headers = {k: v for k, v in request.headers.items() if k.lower() != "content-length"}
        signed = httpx.Request(request.method, request.url, headers=headers, json=body)
        return super().handle_request(signed)


def sale_through_the_generated_client(binary, workdir):
    from ecommpay_openapi_client import Client
    from ecommpay_openapi_client.api.paypal import paypal_gate_sale
    from ecommpay_openapi_client.models.gate_answer import GateAnswer
    from ecommpay_openapi_client.models.paypal_sale_request_one_time import (
        PaypalSaleRequestOneTime,
    )

    example = spec_examples("request")["paypal.gate.sale"][0][1]
    example["general"]["payment_id"] = "openapi-python-client-1"
    # The model requires a signature; the transport replaces it with the real one.
    example["general"]["signature"] = "signed-on-the-way"
    mock = Mock(binary, workdir)
    try:
        client = Client(base_url=mock.base_url, httpx_args={"transport": SigningTransport()})
        response = paypal_gate_sale.sync_detailed(
            client=client, body=PaypalSaleRequestOneTime.from_dict(example)
        )
        if response.status_code != 200 or not isinstance(response.parsed, GateAnswer):
            raise SystemExit(f"the generated client's sale: {response.status_code} {response.content!r}")
        print(f"openapi-python-client: a sale through the generated client, answered {response.status_code}")
    finally:
        mock.stop()


def main():
    document, binary, workdir = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    generate(document, workdir)
    import_everything(workdir)
    sale_through_the_generated_client(binary, workdir)


if __name__ == "__main__":
    main()
