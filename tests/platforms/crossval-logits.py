#!/usr/bin/env python3
"""Cross-architecture crossval: the logits two builds dumped (bn-dump-logits)
on the same GGUF file, judged with the crossval element's default tolerances
(docs/crossval.md, docs/design/0006-crossval-tolerances.md).

Usage: crossval-logits.py REF.f32 REF.json OURS.f32 OURS.json [LABEL]

REF is the x86_64 engine's dump, OURS the aarch64 engine's (under qemu). Per
step, up to the first greedy divergence: cosine similarity (>= 0.99), max
|ours - ref| relative to the reference's largest |logit| (<= 0.15), top-5
agreement (>= 0.6); greedy tokens equal over the first 16 steps unless the
reference's margin between the two tokens is at most 0.08 of its largest
|logit| (a near tie). Also reports whether the logits digests are identical
(the engines are bit-exact where their arithmetic is integer; floats may
differ in the last bits through libm and vector widths). Prints one line
'crossval aarch64 LABEL: PASS|FAIL cosine_min=... max_abs_diff=...
tokens_agreed=N/M digests_identical=N/M' and exits 1 on FAIL.
"""
import array
import json
import math
import sys

MIN_COSINE, MAX_REL_DIFF, MIN_TOPK, GREEDY_STEPS, TIE_MARGIN, TOP_K = 0.99, 0.15, 0.6, 16, 0.08, 5


def load(f32, meta):
    with open(meta, encoding="utf-8") as f:
        m = json.loads(f.read().strip().splitlines()[-1])
    a = array.array("f")
    with open(f32, "rb") as f:
        a.frombytes(f.read())
    if sys.byteorder != "little":
        a.byteswap()
    n = m["n_vocab"]
    if len(a) != n * m["steps"]:
        sys.exit(f"{f32}: {len(a)} floats, expected {m['steps']} x {n}")
    return m, [a[s * n:(s + 1) * n] for s in range(m["steps"])]


def topk(v):
    return set(sorted(range(len(v)), key=lambda i: -v[i])[:TOP_K])


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    label = argv[5] if len(argv) > 5 else ""
    rm, ref = load(argv[1], argv[2])
    om, ours = load(argv[3], argv[4])
    if rm["n_vocab"] != om["n_vocab"]:
        sys.exit(f"vocabulary sizes differ: {rm['n_vocab']} and {om['n_vocab']}")
    rt, ot = rm["tokens"], om["tokens"]
    steps = min(len(rt), len(ot))
    diverge = next((s for s in range(steps) if rt[s] != ot[s]), None)
    # step s's logits see tokens 0..s-1: compared up to the divergence
    compared = steps if diverge is None else diverge + 1
    failures = []
    cos_min, rel_max, abs_max, topk_min = 1.0, 0.0, 0.0, 1.0
    for s in range(compared):
        r, o = ref[s], ours[s]
        dot = sum(x * y for x, y in zip(r, o))
        nr = math.sqrt(sum(x * x for x in r))
        no = math.sqrt(sum(y * y for y in o))
        cos = dot / (nr * no) if nr > 0 and no > 0 else (1.0 if nr == no else 0.0)
        big = max(abs(x) for x in r)
        diff = max(abs(x - y) for x, y in zip(r, o))
        rel = diff / big if big > 0 else diff
        agree = len(topk(r) & topk(o)) / TOP_K
        cos_min, rel_max, abs_max, topk_min = min(cos_min, cos), max(rel_max, rel), max(abs_max, diff), min(topk_min, agree)
        if cos < MIN_COSINE:
            failures.append(f"step {s}: cosine {cos:.6f} < {MIN_COSINE}")
        if rel > MAX_REL_DIFF:
            failures.append(f"step {s}: max |diff| {diff:.4g} is {rel:.3f} of the largest |logit| > {MAX_REL_DIFF}")
        if agree < MIN_TOPK:
            failures.append(f"step {s}: top-{TOP_K} agreement {agree:.2f} < {MIN_TOPK}")
    if diverge is not None and diverge < GREEDY_STEPS:
        r = ref[diverge]
        big = max(abs(x) for x in r)
        margin = (r[rt[diverge]] - r[ot[diverge]]) / big if big > 0 else 0.0
        if margin > TIE_MARGIN:
            failures.append(f"step {diverge}: greedy tokens differ ({rt[diverge]} and {ot[diverge]}), "
                            f"reference margin {margin:.4f} of the largest |logit| > {TIE_MARGIN}")
    agreed = diverge if diverge is not None else steps
    same_digests = sum(1 for a, b in zip(rm["digests"], om["digests"]) if a == b)
    verdict = "FAIL" if failures else "PASS"
    for f in failures:
        print(f"  {f}")
    print(f"crossval aarch64 {label}: {verdict} cosine_min={cos_min:.6f} max_abs_diff={abs_max:.3g} "
          f"max_rel_diff={rel_max:.3g} top{TOP_K}_min={topk_min:.2f} tokens_agreed={agreed}/{steps} "
          f"digests_identical={same_digests}/{steps} kernels={rm['kernel_variant']}/{om['kernel_variant']}")
    return 1 if failures else 0


sys.exit(main(sys.argv))
