#!/usr/bin/env python3
"""Weft's CRDT against yrs (pycrdt) and Loro on the same traces, in the same run.

    pip install pycrdt loro
    swift build -c release --product weft-bench
    python3 Benchmarks/peers.py [--runs 5] [--traces automerge-paper,seph-blog1] [--markdown]

For each sequential trace: a local replay (every patch as a local edit; for yrs each edit is its
own transaction, as in an editor, because one transaction around a whole trace grows quadratically
in yrs: 20,000 edits of automerge-paper take 0.58 s that way and 0.08 s per edit; for Loro one
commit at the end), the snapshot size with full history, and the time to load it.
For each concurrent trace: one document per agent makes each transaction's update after merging
exactly its parents; then a fresh document applies every update in order (a late joiner, or a
server), which is what is timed. Weft does the same through `weft-bench`. Times are medians.

pycrdt indexes text by UTF-8 bytes, so the peers get the traces with every non-ASCII character
replaced by "_" (as in the traces' README); Weft replays the real text, which is never cheaper.
"""

import argparse
import gzip
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACES = os.environ.get("WEFT_TRACES", os.path.join(os.path.dirname(ROOT), "shared", "traces"))
BENCH = os.path.join(ROOT, ".build", "release", "weft-bench")

SEQUENTIAL = ["automerge-paper", "seph-blog1", "friendsforever_flat", "clownschool_flat", "rustcode",
              "sveltecomponent", "json-crdt-patch", "json-crdt-blog-post"]
CONCURRENT = ["friendsforever", "clownschool"]
# The Eg-walker paper's A1, A2 and S3. Their positions come from an editor that breaks ties
# between concurrent insertions at one place by agent name, which the files do not keep: a peer
# may replay them into another (converged) text, or fail where a deletion then reaches past the end.
EGWALKER = ["node_nodecc", "git-makefile-x2", "egwalker"]
FOLDERS = {**{name: "sequential" for name in SEQUENTIAL}, **{name: "concurrent" for name in CONCURRENT},
           **{name: "egwalker-paper" for name in EGWALKER}}


def ascii_only(text):
    return "".join(c if ord(c) < 128 else "_" for c in text)


def load(folder, name):
    with gzip.open(os.path.join(TRACES, folder, name + ".json.gz")) as f:
        trace = json.load(f)
    trace["endContent"] = ascii_only(trace["endContent"])
    for txn in trace["txns"]:
        txn["patches"] = [[pos, dele, ascii_only(ins)] for pos, dele, ins in txn["patches"]]
    return trace


def median_ms(runs, body):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = body()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


# --- yrs (pycrdt) -------------------------------------------------------------------------------

def yrs_local(trace, runs):
    import pycrdt

    def replay():
        doc = pycrdt.Doc()
        text = doc.get("t", type=pycrdt.Text)
        for txn in trace["txns"]:
            for pos, dele, ins in txn["patches"]:
                if dele:
                    del text[pos:pos + dele]
                if ins:
                    text.insert(pos, ins)
        return doc, text

    ms, (doc, text) = median_ms(runs, replay)
    return ms, str(text) == trace["endContent"], doc


def yrs_snapshot(doc, runs):
    import pycrdt
    update = doc.get_update()

    def load_it():
        fresh = pycrdt.Doc()
        fresh.apply_update(update)
        return fresh

    ms, _ = median_ms(max(runs, 20), load_it)
    return len(update), ms


def causal_updates(trace, make_doc, apply_update, edit, make_update):
    """Per transaction, the update its agent produced after merging exactly its parents."""
    txns = trace["txns"]
    agents = [make_doc(agent) for agent in range(trace["numAgents"])]
    applied = [set() for _ in agents]
    updates = [None] * len(txns)
    for index, txn in enumerate(txns):
        agent = txn["agent"]
        missing, stack = [], list(txn["parents"])
        while stack:
            parent = stack.pop()
            if parent in applied[agent]:
                continue
            applied[agent].add(parent)
            missing.append(parent)
            stack += txns[parent]["parents"]
        for parent in sorted(missing):
            apply_update(agents[agent], updates[parent])
        updates[index] = make_update(agents[agent], lambda: edit(agents[agent], txn["patches"]))
        applied[agent].add(index)
    return updates


def yrs_merge(trace, runs):
    import pycrdt

    def make_doc(agent):
        doc = pycrdt.Doc(client_id=agent + 1)
        doc.get("t", type=pycrdt.Text)
        return doc

    def edit(doc, patches):
        text = doc.get("t", type=pycrdt.Text)
        with doc.transaction():
            for pos, dele, ins in patches:
                if dele:
                    del text[pos:pos + dele]
                if ins:
                    text.insert(pos, ins)

    def make_update(doc, body):
        state = doc.get_state()
        body()
        return doc.get_update(state)

    updates = causal_updates(trace, make_doc, lambda d, u: d.apply_update(u), edit, make_update)

    def receive():
        doc = pycrdt.Doc()
        text = doc.get("t", type=pycrdt.Text)
        for update in updates:
            doc.apply_update(update)
        return doc, text

    ms, (doc, text) = median_ms(runs, receive)
    return ms, str(text) == trace["endContent"], doc


# --- Loro ---------------------------------------------------------------------------------------

def loro_local(trace, runs):
    from loro import LoroDoc

    def replay():
        doc = LoroDoc()
        text = doc.get_text("t")
        for txn in trace["txns"]:
            for pos, dele, ins in txn["patches"]:
                if dele:
                    text.delete(pos, dele)
                if ins:
                    text.insert(pos, ins)
        doc.commit()
        return doc, text

    ms, (doc, text) = median_ms(runs, replay)
    return ms, text.to_string() == trace["endContent"], doc


def loro_snapshot(doc, runs):
    from loro import ExportMode, LoroDoc
    snapshot = doc.export(ExportMode.Snapshot())

    def load_it():
        fresh = LoroDoc()
        fresh.import_(snapshot)
        return fresh.get_text("t").len_unicode

    ms, _ = median_ms(max(runs, 20), load_it)
    return len(snapshot), ms


def loro_merge(trace, runs):
    from loro import ExportMode, LoroDoc

    def make_doc(agent):
        return LoroDoc()

    def edit(doc, patches):
        text = doc.get_text("t")
        for pos, dele, ins in patches:
            if dele:
                text.delete(pos, dele)
            if ins:
                text.insert(pos, ins)
        doc.commit()

    def make_update(doc, body):
        version = doc.oplog_vv
        body()
        return doc.export(ExportMode.Updates(version))

    updates = causal_updates(trace, make_doc, lambda d, u: d.import_(u), edit, make_update)

    def receive():
        doc = LoroDoc()
        for update in updates:
            doc.import_(update)
        return doc

    ms, doc = median_ms(runs, receive)
    return ms, doc.get_text("t").to_string() == trace["endContent"], doc


# --- Weft ---------------------------------------------------------------------------------------

def weft(mode, folder, name, runs):
    path = os.path.join(TRACES, folder, name + ".json.gz")
    output = subprocess.run([BENCH, mode, path, "--runs", str(runs)], check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def machine():
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--traces", help="comma-separated names (default: all sequential and concurrent traces)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table for Benchmarks/README.md")
    args = parser.parse_args()
    if not os.path.exists(BENCH):
        sys.exit(f"{BENCH} is missing: run `swift build -c release --product weft-bench` first")
    chosen = args.traces.split(",") if args.traces else SEQUENTIAL + CONCURRENT + EGWALKER

    rows = []
    for name in chosen:
        folder = FOLDERS[name]
        concurrent = folder != "sequential"
        trace = load(folder, name)
        ours = weft("merge" if concurrent else "trace", folder, name, args.runs)
        peers = {}
        for peer, local, merge, snapshot in (("yrs", yrs_local, yrs_merge, yrs_snapshot), ("loro", loro_local, loro_merge, loro_snapshot)):
            try:
                ms, ok, doc = (merge if concurrent else local)(trace, args.runs)
                peers[peer] = (ms, ok) + snapshot(doc, args.runs)
            except BaseException as error:  # a peer that cannot replay the trace (yrs panics): say so, measure the rest
                if isinstance(error, KeyboardInterrupt):
                    raise
                print(f"{peer} could not replay {name}: {error}", file=sys.stderr)
                peers[peer] = (float("nan"), False, 0, float("nan"))
        (yrs_ms, yrs_ok, yrs_bytes, yrs_load), (loro_ms, loro_ok, loro_bytes, loro_load) = peers["yrs"], peers["loro"]
        row = {
            "trace": name, "mode": ours["mode"], "weft_ms": ours["ms"], "yrs_ms": yrs_ms, "loro_ms": loro_ms,
            # Weft converged, and to the trace's own end text (merges say both).
            "weft_ok": ours["ok"] and ours.get("end_content", True), "yrs_ok": yrs_ok, "loro_ok": loro_ok,
            "weft_bytes": ours["snapshot_bytes"], "yrs_bytes": yrs_bytes, "loro_bytes": loro_bytes,
            "weft_load_ms": ours["load_ms"], "yrs_load_ms": yrs_load, "loro_load_ms": loro_load,
            "weft_heap_bytes": ours["heap_bytes"],
        }
        rows.append(row)
        print(json.dumps(row), file=sys.stderr if args.markdown else sys.stdout, flush=True)

    if args.markdown:
        print(f"Machine: {machine()}; runs: {args.runs} (medians); peers: pycrdt (yrs), loro.\n")
        print("| trace | mode | Weft ms | yrs ms | Loro ms | Weft/yrs | Weft/Loro | correct (W/y/L) "
              "| snapshot bytes (W/y/L) | load ms (W/y/L) | Weft loaded heap |")
        print("|---|---|---:|---:|---:|---:|---:|---|---|---|---:|")
        for r in rows:
            ok = "/".join("yes" if r[k] else "NO" for k in ("weft_ok", "yrs_ok", "loro_ok"))
            print(f"| {r['trace']} | {r['mode']} | {r['weft_ms']:.1f} | {r['yrs_ms']:.1f} | {r['loro_ms']:.1f} "
                  f"| {r['weft_ms'] / r['yrs_ms']:.2f} | {r['weft_ms'] / r['loro_ms']:.2f} | {ok} "
                  f"| {r['weft_bytes']:,} / {r['yrs_bytes']:,} / {r['loro_bytes']:,} "
                  f"| {r['weft_load_ms']:.2f} / {r['yrs_load_ms']:.2f} / {r['loro_load_ms']:.2f} "
                  f"| {r['weft_heap_bytes']:,} |")


if __name__ == "__main__":
    main()
