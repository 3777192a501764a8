"""Checks the exported JSON Schemas with Python's `jsonschema`, independently of the Rust code.

1. Every schema is valid against the draft 2020-12 meta-schema.
2. Every documented request and callback example gets the verdict the Rust validator gave it
   (the `valid` field of its snapshot in tests/tests/snapshots/).
3. For every valid request example, removing each required field in turn (top level and nested,
   per the schema that applies, references to `$defs` followed) makes the schema reject it.
4. With CORPUS_DIR (target/tmp/corpus, written by `cargo test -p ecommpay-tests`): every case of
   the corpus (the examples, the Rust tests' required-field removals and rule mutations) gets the
   verdict recorded with it, as Ajv must in tests/typescript.

Usage: check_schemas.py SCHEMA_DIR SPEC_DIR SNAPSHOT_DIR [CORPUS_DIR]
"""

import copy
import json
import sys
from pathlib import Path

import yaml
from jsonschema import Draft202012Validator


def load_examples(spec_dir):
    """(id, operation, json) of every request and callback example, and JS calls with JSON."""
    for path in sorted(spec_dir.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for example in doc.get("examples") or []:
            kind = example["kind"]
            carries = kind in ("request", "callback") or (
                kind == "js_snippet" and "corrected" in example
            )
            if not carries or "operation" not in example:
                continue
            text = example.get("corrected") or example["printed"]
            yield example["id"], example["operation"], kind, json.loads(text)


def snapshot_verdict(snapshot_dir, example_id):
    path = snapshot_dir / f"examples__example__{example_id}.snap"
    body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
    return json.loads(body)["valid"]


DEFS_POINTER = "#/$defs/"


def resolved(root, schema):
    """The schema a `$ref` to the root's `$defs` stands for, or the schema itself."""
    reference = schema.get("$ref") if isinstance(schema, dict) else None
    if reference is None:
        return schema
    if not reference.startswith(DEFS_POINTER):
        raise ValueError(f"a reference outside the file's $defs: {reference}")
    return root["$defs"][reference[len(DEFS_POINTER):]]


def required_paths(root, schema, instance, prefix=()):
    """Paths of required fields present in `instance`, following `properties`, references to
    the root's `$defs` and the variant branch (`oneOf`/`anyOf`) the instance satisfies."""
    schema = resolved(root, schema)
    if not isinstance(schema, dict) or not isinstance(instance, dict):
        return
    for keyword in ("oneOf", "anyOf"):
        for branch in schema.get(keyword, []):
            alone = {**branch, "$defs": root.get("$defs", {})}
            if Draft202012Validator(alone).is_valid(instance):
                yield from required_paths(root, branch, instance, prefix)
                break
    for name in schema.get("required", []):
        if name in instance:
            yield prefix + (name,)
    for name, sub in (schema.get("properties") or {}).items():
        if name in instance:
            yield from required_paths(root, sub, instance[name], prefix + (name,))


def without(instance, path):
    mutated = copy.deepcopy(instance)
    target = mutated
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    return mutated


def main():
    schema_dir, spec_dir, snapshot_dir = (Path(a) for a in sys.argv[1:4])
    index = json.loads((schema_dir / "index.json").read_text(encoding="utf-8"))
    passed, failures = 0, []
    validators = {}
    for entry in index["schemas"]:
        schema = json.loads((schema_dir / entry["file"]).read_text(encoding="utf-8"))
        try:
            Draft202012Validator.check_schema(schema)
            passed += 1
        except Exception as error:  # noqa: BLE001 - report every schema
            failures.append(f"{entry['file']}: not a valid 2020-12 schema: {error}")
            continue
        validators[entry["operation"]] = (Draft202012Validator(schema), schema)

    mutations = 0
    for example_id, operation, kind, instance in load_examples(spec_dir):
        validator, schema = validators[operation]
        expected = snapshot_verdict(snapshot_dir, example_id)
        actual = validator.is_valid(instance)
        if actual == expected:
            passed += 1
        else:
            errors = [e.message for e in validator.iter_errors(instance)]
            failures.append(f"{example_id}: Rust says valid={expected}, Python says {actual}: {errors}")
            continue
        if kind == "callback" or not actual:
            continue
        for path in required_paths(schema, schema, instance):
            mutations += 1
            if validator.is_valid(without(instance, path)):
                failures.append(f"{example_id}: still valid without {'.'.join(path)}")
            else:
                passed += 1

    corpus = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    tally = {}
    for case_file in sorted(corpus.glob("*/*.json")) if corpus else []:
        case = json.loads(case_file.read_text(encoding="utf-8"))
        validator, _ = validators[case["operation"]]
        agree = validator.is_valid(case["payload"]) == case["valid"]
        cases, agreed = tally.get(case["source"], (0, 0))
        tally[case["source"]] = (cases + 1, agreed + agree)
        if agree:
            passed += 1
        else:
            failures.append(f"{case['source']}/{case['name']}: expected valid={case['valid']}")
    if corpus and not tally:
        failures.append(f"{corpus}: empty corpus (run cargo test -p ecommpay-tests first)")
    for source, (cases, agreed) in sorted(tally.items()):
        print(f"corpus {source}: {agreed}/{cases} agree")

    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{len(validators)} schemas, {mutations} required-field removals checked")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
