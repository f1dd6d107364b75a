"""Runs Weft's CRDT conformance vectors (Conformance/README.md) against the implementation beside
this file. Usage: python3 run_vectors.py [--features] FILE.json...

Prints one line per failing vector and a summary; exits 1 if any failed. With --features, also
prints the snapshot features the vectors' snapshots use, as JSON, on the last line.
"""

import json
import sys

import weft_snapshot
from weft_crdt import Document, Refused, decode_batch


def run(vector):
    """None if the implementation does what the vector says, else what went wrong."""
    refuse = vector.get("refuse")
    doc = Document()
    if "start" in vector:
        try:
            doc = weft_snapshot.load(bytes.fromhex(vector["start"]))
        except Refused as error:
            return None if refuse == "snapshot" else f"the start snapshot was refused: {error}"
        if refuse == "snapshot":
            return "a snapshot that must be refused loaded"
    deliveries = vector["deliver"]
    for step, batch in enumerate(deliveries):
        last = step == len(deliveries) - 1
        try:
            ops = decode_batch(bytes.fromhex(batch))
            doc.apply(ops)
        except Refused as error:
            expected = {"decode": "op-batch", "op": "op"}[error.kind]
            if last and refuse == expected:
                return None
            return f"delivery {step} was refused ({error}); the vector expects {refuse or 'no refusal'}"
        if last and refuse:
            return f"delivery {step} was applied; the vector expects it refused ({refuse})"
        if doc.text != vector["texts"][step]:
            return f"after delivery {step}: text {doc.text!r}, expected {vector['texts'][step]!r}"
    if doc.text != vector["text"]:
        return f"text {doc.text!r}, expected {vector['text']!r}"
    expected = bytes.fromhex(vector["snapshot"])
    written = weft_snapshot.write(doc)
    if written != expected:
        at = next((i for i, (a, b) in enumerate(zip(written, expected)) if a != b), min(len(written), len(expected)))
        return f"snapshot differs from byte {at}: wrote {written.hex(' ')}, expected {expected.hex(' ')}"
    reloaded = weft_snapshot.load(expected)
    if reloaded.text != vector["text"] or weft_snapshot.write(reloaded) != expected:
        return "the expected snapshot does not load back to the same document"
    return None


def main(arguments):
    show_features = "--features" in arguments
    paths = [a for a in arguments if a != "--features"]
    passed, failed = 0, 0
    for path in paths:
        with open(path, encoding="utf-8") as file:
            vectors = json.load(file)["vectors"]
        for vector in vectors:
            try:
                problem = run(vector)
            except Exception as error:  # a bug here, not a refusal the vector expects
                problem = f"{type(error).__name__}: {error}"
            if problem:
                failed += 1
                print(f"FAIL {vector['name']}: {problem}")
            else:
                passed += 1
    print(f"{passed} passed, {failed} failed")
    if show_features:
        print(json.dumps(dict(sorted(weft_snapshot.features.items()))))
    return 1 if failed or not passed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
