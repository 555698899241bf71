#!/usr/bin/env python3
# The toolkit from Python through GObject introspection (PyGObject): build and
# run pipelines, read the bus and the typed records they produce. Prints TAP.
# SPDX-License-Identifier: LGPL-2.1-or-later
import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import bn_toolkit  # noqa: E402

Bn, BnBench, GLib = bn_toolkit.load()

TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def run_collecting(pipeline, timeout_s=120):
    """Runs @pipeline; returns every ERROR, ELEMENT and EOS message, in order."""
    bus = pipeline.get_bus()
    pipeline.start()
    wanted = Bn.MessageType.ERROR | Bn.MessageType.EOS | Bn.MessageType.ELEMENT
    messages = []
    while True:
        msg = bus.timed_pop_filtered(timeout_s * 1000000, wanted)
        check(msg is not None, "no end of stream within %d s" % timeout_s)
        messages.append(msg)
        if msg.get_message_type() in (Bn.MessageType.ERROR, Bn.MessageType.EOS):
            break
    pipeline.stop()
    return messages


@test
def version_and_registry():
    check(Bn.is_initialized(), "Bn.init() ran")
    names = {f.get_name() for f in Bn.registry_get_factories()}
    for n in ("loader", "kernel-executor", "regression-analyzer", "receipt-sink"):
        check(n in names, "factory %s registered" % n)


@test
def parse_error_has_domain_code_and_position():
    try:
        Bn.parse_launch("fakesrc ! fakesnk")
    except GLib.Error as e:
        check(e.domain == "bn-parse-error-quark", "parse error domain, got " + e.domain)
        check(e.code == Bn.ParseError.NO_SUCH_ELEMENT, "code NO_SUCH_ELEMENT, got %d" % e.code)
        check("did you mean \"fakesink\"" in e.message, e.message)
    else:
        raise AssertionError("a misspelt element parsed")


@test
def branching_pipeline_gives_verdict_and_records():
    # A model tee'd into two measured branches, compared side by side.
    pipeline = Bn.parse_launch(
        "loader fixture=tiny ! tee name=m "
        " m. ! quantizer format=i2s ! kernel-executor iterations=6 tokens=8 warmup=0 ! ra.baseline "
        " m. ! quantizer format=i2s ! kernel-executor iterations=6 tokens=8 warmup=0 ! ra.candidate "
        "regression-analyzer name=ra silent=true ! fakesink name=out")
    check(isinstance(pipeline, Bn.Pipeline), "parse_launch gives a Bn.Pipeline")
    out = pipeline.get_by_name("out")
    out.set_property("signal-handoffs", True)
    records = []
    lock = threading.Lock()

    def on_handoff(sink, item, pad):
        with lock:
            records.append(item)
    out.connect("handoff", on_handoff)

    messages = run_collecting(pipeline)
    last = messages[-1]
    check(last.get_message_type() == Bn.MessageType.EOS, "the run reached end of stream")
    verdicts = [m for m in messages if m.get_message_type() == Bn.MessageType.ELEMENT
                and m.get_name() == "regression-verdict"]
    check(len(verdicts) == 1, "one regression-verdict message")
    payload = verdicts[0].get_payload().unpack()
    check(verdicts[0].get_src_path().endswith("/ra"), verdicts[0].get_src_path())
    check(payload["mode"] == "side-by-side", str(payload))
    check(payload["status"] in ("STABLE", "INCONCLUSIVE", "WARNING", "IMPROVEMENT", "CRITICAL"),
          payload["status"])
    for r in records:
        check(isinstance(r, BnBench.Record), "a typed BnBench.Record, got %r" % type(r))
    kinds = [r.get_caps().to_string().split(",")[0] for r in records]
    check(kinds.count("bench/verdict") == 1, "one verdict record among %s" % kinds)
    check(kinds.count("bench/run") >= 6, "the runs pass through, got %s" % kinds)
    verdict = records[kinds.index("bench/verdict")]
    report = json.loads(verdict.to_json(False))
    check(report["status"] == payload["status"], "record and message agree")


@test
def assembled_pipeline_sets_properties_and_reads_runs():
    # The same graph elements made one by one instead of from text.
    pipeline = Bn.Pipeline.new("assembled")
    loader = Bn.ElementFactory.make("loader", None)
    quantizer = Bn.ElementFactory.make("quantizer", None)
    executor = Bn.ElementFactory.make("kernel-executor", "exec")
    sink = Bn.ElementFactory.make("fakesink", None)
    loader.set_property("fixture", "tiny")
    quantizer.set_property("format", "tl2")
    executor.set_property("iterations", 2)
    executor.set_property("tokens", 4)
    executor.set_property("warmup", 0)
    sink.set_property("signal-handoffs", True)
    for e in (loader, quantizer, executor, sink):
        check(pipeline.add(e), "bin add")
    check(loader.link(quantizer) and quantizer.link(executor) and executor.link(sink), "links")
    runs = []
    sink.connect("handoff", lambda s, item, pad: runs.append(item))
    check(pipeline.run(), "the run succeeds")
    check(len(runs) == 2, "two runs, got %d" % len(runs))
    for r in runs:
        check(r.get_string("compute_path") == "real", "compute_path real")
        check(r.get_double("tokens_generated", 0) == 4, "4 tokens generated")
        check(r.get_double("decode_tokens_per_second", 0) > 0, "a throughput")


@test
def runtime_error_reaches_bus_with_code():
    pipeline = Bn.parse_launch("loader location=/nonexistent/model.gguf ! fakesink")
    messages = run_collecting(pipeline)
    last = messages[-1]
    check(last.get_message_type() == Bn.MessageType.ERROR, "an error message")
    error, debug = last.parse_error()
    check(error.domain != "", "an error domain")
    check("/nonexistent/model.gguf" in error.message, error.message)
    check("loader" in last.get_src_path(), last.get_src_path())


@test
def strict_failure_is_strict_error():
    os.environ["BITNET_STRICT_MODE"] = "1"
    try:
        pipeline = Bn.parse_launch(
            "loader fixture=tiny ! quantizer format=i2s ! mock-executor ! strict-validator ! fakesink")
        last = run_collecting(pipeline)[-1]
    finally:
        del os.environ["BITNET_STRICT_MODE"]
    check(last.get_message_type() == Bn.MessageType.ERROR, "strict-validator refuses a mock run")
    error, _ = last.parse_error()
    check(error.domain == "bn-strict-error-quark", error.domain)


def main():
    print("1..%d" % len(TESTS))
    failed = 0
    for i, fn in enumerate(TESTS, 1):
        try:
            fn()
            print("ok %d /python/%s" % (i, fn.__name__.replace("_", "-")))
        except Exception as e:  # report and go on
            failed += 1
            print("not ok %d /python/%s" % (i, fn.__name__.replace("_", "-")))
            for line in ("%s: %s" % (type(e).__name__, e)).splitlines():
                print("# " + line)
    sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
