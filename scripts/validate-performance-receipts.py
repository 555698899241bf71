#!/usr/bin/env python3
# The seed's receipt validator, over the toolkit through GObject
# introspection: each receipt goes through receipt-src ! strict-validator with
# every strict gate armed, whatever BITNET_STRICT_MODE says
# (pipelines/validate-receipt.bnp is the same graph for bn-launch).
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Validates performance receipts strictly.

Every receipt must show real computation (compute_path "real", no mock
kernel), the quantized kernels its format needs, physically plausible speed
and accuracy within tolerance. BITNET_DETERMINISTIC=1 adds the determinism
gate. The environment cannot switch the other gates off.

Exit status: 0 every receipt passed; 1 a receipt could not be read (missing,
malformed, a failed run); 2 usage error; 4 a receipt failed a strict gate;
124 --timeout expired; 130 interrupted. With several receipts the worst
status wins (4 over 1).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bn_toolkit  # noqa: E402


def main():
    p = argparse.ArgumentParser(prog="validate-performance-receipts.py",
                                description=__doc__.split("\n\n")[0],
                                epilog=__doc__.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("receipts", metavar="FILE", nargs="+", help="receipt files, e.g. ci/inference.json")
    p.add_argument("--timeout", type=float, metavar="S", help="give up on a receipt after S seconds (exit 124)")
    args = p.parse_args()
    if args.timeout is not None and args.timeout <= 0:
        p.error("--timeout needs a positive number of seconds")

    Bn, BnBench, GLib = bn_toolkit.load()
    always = (BnBench.StrictFlags.FAIL_ON_MOCK | BnBench.StrictFlags.REQUIRE_QUANTIZATION |
              BnBench.StrictFlags.VALIDATE_PERFORMANCE | BnBench.StrictFlags.VALIDATE_ACCURACY)
    if os.environ.get("BITNET_DETERMINISTIC", "") not in ("", "0", "false"):
        always |= BnBench.StrictFlags.VALIDATE_DETERMINISM
    worst = bn_toolkit.EXIT_OK
    for receipt in args.receipts:
        pipeline = bn_toolkit.pipeline_from_file(Bn, "validate-receipt.bnp", {"RECEIPT": receipt})
        strict = [e for e in pipeline.get_elements_recursive() if e.get_factory_name() == "strict-validator"]
        strict[0].set_property("gates", always)
        status = bn_toolkit.run(Bn, BnBench, GLib, pipeline, timeout=args.timeout, quiet=True)
        print("%s %s" % ("PASS" if status == bn_toolkit.EXIT_OK else "FAIL", receipt))
        if status in (bn_toolkit.EXIT_TIMEOUT, bn_toolkit.EXIT_INTERRUPTED):
            return status
        if status == bn_toolkit.EXIT_STRICT:
            worst = status
        elif worst == bn_toolkit.EXIT_OK:
            worst = status
    return worst


if __name__ == "__main__":
    sys.exit(main())
