"""Schemathesis against `ecommpay mock`, from the OpenAPI document: a bounded run (fixed
--max-examples and --seed, positive data only) whose every generated body is signed and given its
own payment (schemathesis_hooks.py). Fails on a 5xx, a response the document does not describe,
or a schema-valid body refused as `invalid_request`; prints the answers by status and code.

    python schemathesis_run.py OPENAPI_JSON ECOMMPAY_BINARY WORKDIR [MAX_EXAMPLES] [SEED]
"""

import json
import os
import subprocess
import sys

from common import CallbackCollector, Mock

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    document, binary, workdir = (os.path.abspath(arg) for arg in sys.argv[1:4])
    max_examples = sys.argv[4] if len(sys.argv) > 4 else "25"
    seed = sys.argv[5] if len(sys.argv) > 5 else "19"
    os.makedirs(workdir, exist_ok=True)
    callbacks = os.path.join(workdir, "callbacks.jsonl")
    summary = os.path.join(workdir, "answers.json")
    for stale in (callbacks, summary):
        if os.path.exists(stale):
            os.remove(stale)
    collector = CallbackCollector(callbacks)
    mock = Mock(binary, workdir, collector.url)
    try:
        env = dict(
            os.environ,
            SCHEMATHESIS_HOOKS=os.path.join(HERE, "schemathesis_hooks.py"),
            MOCK_BASE_URL=mock.base_url,
            ECOMMPAY_BINARY=binary,
            MOCK_CALLBACKS=callbacks,
            SCHEMATHESIS_SUMMARY=summary,
        )
        schemathesis = os.path.join(os.path.dirname(sys.executable), "schemathesis")
        run = subprocess.run(
            [
                schemathesis, "run", document, "--url", mock.base_url,
                "--mode", "positive", "--phases", "examples,coverage,fuzzing",
                "--max-examples", max_examples, "--seed", seed, "--workers", "1",
                "--checks", (
                    "not_a_server_error,status_code_conformance,content_type_conformance,"
                    "response_schema_conformance,no_schema_valid_body_refused_as_invalid_request"
                ),
                "--generation-database", "none", "--no-color", "--request-timeout", "15",
            ],
            env=env, cwd=workdir, check=False,
        )
        if os.path.exists(summary):
            with open(summary) as f:
                answers = json.load(f)
            print(f"answers by operation, status and code ({sum(answers.values())} calls):")
            for key, count in sorted(answers.items()):
                print(f"  {count:5}  {key}")
        if run.returncode != 0:
            sys.exit(f"schemathesis: exit {run.returncode}")
    finally:
        mock.stop()
        collector.stop()


if __name__ == "__main__":
    main()
