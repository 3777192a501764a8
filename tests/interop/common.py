"""What the interop checks share: `ecommpay mock` as a process, a merchant's callback endpoint
that keeps every raw body, the spec's example requests, and signing with the official Python SDK.
"""

import copy
import glob
import http.server
import json
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request

import yaml
from payment_page_sdk.signature_handler import SignatureHandler

KEY = "interop-secret-key"
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class CallbackCollector:
    """A merchant's callback endpoint on loopback: keeps each raw body and answers 200."""

    def __init__(self, path=None):
        """With `path`, each body is also appended there as a line (for another process)."""
        self.bodies = []
        self.path = path
        self.lock = threading.Lock()
        collector = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with collector.lock:
                    collector.bodies.append(body)
                    if collector.path:
                        with open(collector.path, "ab") as f:
                            f.write(body.replace(b"\n", b"") + b"\n")
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self):
        with self.lock:
            return list(self.bodies)

    def parsed(self):
        return [json.loads(body) for body in self.received()]

    def stop(self):
        self.server.shutdown()


class Mock:
    """`ecommpay mock` as a merchant in another language runs it; stopped with SIGTERM."""

    def __init__(self, binary, workdir, callback_url=None):
        key_file = os.path.join(workdir, "key")
        with open(key_file, "w") as f:
            f.write(KEY)
        args = [binary, "mock", "--port", "0", "--key-file", key_file, "--time-scale", "1000"]
        if callback_url:
            args += ["--callback-url", callback_url]
        self.log_path = os.path.join(workdir, "mock.log")
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed by stop())
        self.process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=10)
            self.log.close()
            with open(self.log_path) as f:
                raise RuntimeError(f"ecommpay mock did not start: {f.read()[:2000]}")
        first = json.loads(line)
        assert first["event"] == "listening", first
        self.base_url = first["base_url"]
        # Keep draining the event log so that the mock never blocks on a full pipe.
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for line in self.process.stdout:
            self.log.write(line)

    def get_json(self, path):
        with urllib.request.urlopen(self.base_url + path, timeout=10) as response:
            return json.load(response)

    def post(self, path, body, content_type="application/json"):
        """POSTs bytes or a JSON value; (status, parsed JSON answer or text)."""
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base_url + path, data=data, headers={"Content-Type": content_type}, method="POST"
        )
        return read(request)

    def get(self, url):
        return read(urllib.request.Request(url, method="GET"))

    def settled(self, collector, timeout=20.0):
        """Waits until every delivery the mock made is in the collector and none is pending."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            deliveries = self.get_json("/_mock/callbacks")
            state = (len(deliveries), len(collector.received()))
            if state == last and state[0] == state[1]:
                return deliveries
            last = state
            time.sleep(0.3)
        raise AssertionError(f"callbacks still arriving after {timeout} s: {last}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


def read(request):
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, decode(response.read(), response.headers)
    except urllib.error.HTTPError as error:
        return error.code, decode(error.read(), error.headers)


def decode(raw, headers):
    if "json" in (headers.get("Content-Type") or ""):
        return json.loads(raw)
    return raw.decode("utf-8", "replace")


def sign_gate_request(body):
    """`body` with `general.signature` set by the official Python SDK's signer."""
    body = copy.deepcopy(body)
    body.setdefault("general", {}).pop("signature", None)
    body["general"]["signature"] = SignatureHandler(KEY).sign(body)
    return body


def spec_examples(kind):
    """The spec's example messages of `kind` (`request`), by operation: each corrected where the
    documents' print is not valid JSON, without its signature, duplicates left out."""
    examples = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "spec", "*.yaml"))):
        with open(path, encoding="utf-8") as f:
            document = yaml.safe_load(f)
        for example in document.get("examples") or []:
            if example.get("kind") != kind or example.get("duplicate_of"):
                continue
            body = json.loads(example.get("corrected") or example["printed"])
            body.get("general", {}).pop("signature", None)
            body.pop("signature", None)
            examples.setdefault(example["operation"], []).append((example["id"], body))
    return examples


def operations(binary, interface):
    """Every operation of `interface` (`gate`, `payment_page`) as `ecommpay validate --list` of
    the binary prints them: (id, path or mode)."""
    listed = subprocess.run(
        [binary, "validate", "--list"], check=True, capture_output=True, text=True
    ).stdout
    rows = [line.split() for line in listed.splitlines()]
    return [(row[0], row[2]) for row in rows if len(row) == 3 and row[1] == interface]
