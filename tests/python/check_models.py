"""Pydantic v2 models generated from the exported JSON Schemas by datamodel-code-generator,
given the corpus the Rust tests write (target/tmp/corpus: every documented example with the
Rust validator's verdict, the required-field removals and the rule mutations).

Every payload the schema accepts must be accepted by the model. A payload the schema rejects
must be rejected by the model too, unless the schema rejects it only by a construct the
generator does not carry into the model; those are the generator's known limits (LIMITS below,
documented in tests/python/README.md), counted and listed per construct. Anything else fails.

Usage: check_models.py SCHEMA_DIR CORPUS_DIR OUT_DIR
"""

import importlib.util
import json
import sys
import warnings
from collections import Counter
from pathlib import Path

from datamodel_code_generator import DataModelType, InputFileType, generate
from jsonschema import Draft202012Validator
from pydantic import ValidationError

# The schema constructs datamodel-code-generator (pydantic v2 output) does not turn into model
# checks.
LIMITS = {
    "if/then": "conditional rules (`if`/`then`: required_if, requires, allowed_values_if, "
    "currency lists, whole units, currency and country, amount limits) are dropped",
    "not": "`not` (a field a rule forbids) is dropped",
    "false": "a forbidden field (the `false` schema) becomes `Any`, so the model accepts it",
    "allOf/anyOf": "a one-of group (`anyOf` of `required` in `allOf`) is dropped",
    "oneOf": "a union accepts a payload that matches several `oneOf` branches",
}


def limit_kinds(error, path=None):
    """The limits of LIMITS by which the schema alone rejects (where the model accepts), or
    None when the rejection is by a construct the model does carry."""
    path = list(error.relative_schema_path if path is None else path)
    if error.message.startswith("False schema"):
        return {"false"}
    if "then" in path or "if" in path:
        return {"if/then"}
    if "not" in path:
        return {"not"}
    for i in range(len(path) - 2):
        if path[i] == "allOf" and path[i + 2] == "anyOf":
            return {"allOf/anyOf"}
    if error.validator in ("oneOf", "anyOf"):
        if not error.context:
            return {"oneOf"}
        branches = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        found = None
        for subs in branches.values():
            kinds = [limit_kinds(sub, list(sub.relative_schema_path)[1:]) for sub in subs]
            if all(k is not None for k in kinds):
                found = (found or set()).union(*kinds)
        return found
    return None


def load_model(schema_file, out_dir):
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    module_name = schema_file.stem.replace(".", "_")
    target = out_dir / f"{module_name}.py"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        generate(
            schema_file.read_text(encoding="utf-8"),
            input_file_type=InputFileType.JsonSchema,
            output_model_type=DataModelType.PydanticV2BaseModel,
            output=target,
            disable_timestamp=True,
        )
    spec = importlib.util.spec_from_file_location(module_name, target)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module  # pydantic resolves the module's names through it
    spec.loader.exec_module(module)
    return getattr(module, schema["title"]), schema


def main():
    schema_dir, corpus_dir, out_dir = (Path(a) for a in sys.argv[1:4])
    out_dir.mkdir(parents=True, exist_ok=True)
    index = json.loads((schema_dir / "index.json").read_text(encoding="utf-8"))
    models = {}
    for entry in index["schemas"]:
        model, schema = load_model(schema_dir / entry["file"], out_dir)
        models[entry["operation"]] = (model, Draft202012Validator(schema))
    print(f"datamodel-code-generator: {len(models)} pydantic v2 models")

    failures, limits, tally = [], Counter(), Counter()
    for source_dir in sorted(p for p in corpus_dir.iterdir() if p.is_dir()):
        for case_file in sorted(source_dir.glob("*.json")):
            case = json.loads(case_file.read_text(encoding="utf-8"))
            source, name = case["source"], case["name"]
            model, validator = models[case["operation"]]
            try:
                model.model_validate(case["payload"])
                accepted, reason = True, None
            except ValidationError as error:
                accepted, reason = False, error
            tally[source, "cases"] += 1
            if accepted == case["valid"]:
                tally[source, "agree"] += 1
            elif case["valid"]:
                failures.append(f"{source}/{name}: valid, the model rejects it: {reason}")
            else:
                errors = list(validator.iter_errors(case["payload"]))
                found = [limit_kinds(e) for e in errors]
                if not errors or any(k is None for k in found):
                    messages = [f"{list(e.schema_path)}: {e.message[:200]}" for e in errors]
                    failures.append(
                        f"{source}/{name}: the schema rejects it, the model accepts it: {messages}"
                    )
                else:
                    tally[source, "limit"] += 1
                    for kind in set().union(*found):
                        limits[kind] += 1
    for source in sorted({s for s, _ in tally}):
        print(
            f"pydantic verdicts, {source}: {tally[source, 'agree']}/{tally[source, 'cases']} agree, "
            f"{tally[source, 'limit']} accepted by a known limit of the generator"
        )
    for kind, count in sorted(limits.items()):
        print(f"  limit {kind}: {count} case(s): {LIMITS[kind]}")
    if not tally:
        failures.append(f"{corpus_dir}: empty corpus (run cargo test -p ecommpay-tests first)")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{len(failures)} failure(s)" if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
