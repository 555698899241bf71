#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Generates the hostile campaign's cases (tests/hostile/campaign.sh).

  campaign-cases.py INSPECT-JSON MODEL-LAYOUT RECEIPT BASELINES [GGUF-PY-DIR]

INSPECT-JSON is a JSON array of `bn-inspect --json ELEMENT` objects,
MODEL-LAYOUT `gguf-mutate.py layout` of the tiny fixture the runner's
`model` helper copies, RECEIPT and BASELINES a receipt and baselines file
like those of the `receipt` and `baselines` helpers. Prints one case a line
in the format of tests/hostile/cases.txt (see run-cases.sh); the cases are
the same for the same inputs, in the same order.

Families: props, gguf, gguf-py, json, scripts, parse, writer, merge, signal.
"""
import json
import sys

CASES = []
SEEN = set()


def case(ident, want, pattern, command, what):
    assert " :: " not in command and "\n" not in command, command
    while ident in SEEN:
        ident += "+"
    SEEN.add(ident)
    CASES.append("%s :: %s :: %s :: %s :: %s" % (ident, want, pattern, command, what))


def sq(s):
    """Single-quotes S for the shell."""
    return "'" + s.replace("'", "'\\''") + "'"


GM = 'python3 "$ROOT/tests/hostile/gguf-mutate.py"'
CHECK = "notmp; jsonok o.json g.json s.json v.json c.json nb.json cv.json rep/*.json"

# --- props: every writable property of every element set to hostile values ---

# a pipeline around each element in which it runs quickly; {P} is the property
CONTEXTS = {
    "fakesrc": "L fakesrc {P} ! fakesink",
    "fakesink": "L fakesrc ! fakesink {P}",
    "fixture-src": "L fixture-src size=tiny {P} ! fakesink",
    "loader": "model m.gguf; L loader location=m.gguf {P} ! fakesink",
    "model-sink": "L fixture-src size=tiny ! model-sink location=o.gguf {P}",
    "quantizer": "model m.gguf; L loader location=m.gguf ! quantizer accuracy-rows=16 {P} ! fakesink",
    "kernel-executor": "model m.gguf; L loader location=m.gguf ! kernel-executor tokens=2 iterations=1 warmup=0 {P}"
                       " ! receipt-sink location=o.json",
    "mock-executor": "model m.gguf; L loader location=m.gguf ! mock-executor tokens=2 iterations=1 warmup=0 {P}"
                     " ! receipt-sink location=o.json",
    "kernel-bench": "L kernel-bench formats=i2s shapes=256x256 warmup-time=1 measurement-time=20 min-samples=2 {P}"
                    " ! summary-sink location=s.json silent=true",
    "summary-sink": "L test-recordsrc 'json={\"x\":1}' ! summary-sink location=s.json silent=true {P}",
    "receipt-sink": "receipt r.json; L receipt-src location=r.json ! receipt-sink location=o.json {P}",
    "receipt-src": "receipt r.json; L receipt-src location=r.json {P} ! receipt-sink location=o.json",
    "strict-validator": "receipt r.json; L receipt-src location=r.json ! strict-validator gate-log=g.json {P}"
                        " ! fakesink",
    "baseline-sink": "receipt r.json; L receipt-src location=r.json ! baseline-sink location=b.json min-runs=1 {P}",
    "regression-analyzer": "receipt r.json; baselines b.json; L receipt-src location=r.json ! regression-analyzer"
                           " baselines=b.json platform=linux-test output=v.json format=json {P}",
    "report-sink": "receipt r.json; baselines b.json; L receipt-src location=r.json ! regression-analyzer"
                   " baselines=b.json platform=linux-test silent=true ! report-sink dir=rep {P}",
    "history-sink": "receipt r.json; L receipt-src location=r.json ! history-sink location=h.db {P}",
    "history-src": "receipt r.json; L receipt-src location=r.json ! history-sink location=h.db;"
                   " L history-src location=h.db {P} ! summary-sink location=s.json silent=true",
    "changepoint-analyzer": "receipt r.json; L receipt-src location=r.json ! history-sink location=h.db;"
                            " L history-src location=h.db ! changepoint-analyzer output=c.json {P}",
    "trend-sink": "receipt r.json; baselines b.json; L receipt-src location=r.json ! history-sink location=h.db;"
                  " L history-src location=h.db ! trend-sink directory=t baselines=b.json markdown=t/r.md {P}",
    "reference-executor": "L fixture-src size=tiny arch=bitnet weights=tq2_0 location=x.gguf ! fakesink;"
                          " L loader location=x.gguf ! reference-executor tokens=2 n-prompt=4 iterations=1 warmup=0"
                          " {P} ! receipt-sink location=o.json",
    "crossval": "L fixture-src size=tiny arch=bitnet weights=tq2_0 location=x.gguf ! fakesink;"
                " L loader location=x.gguf ! tee name=t t. ! kernel-executor tokens=2 n-prompt=4 iterations=1"
                " warmup=0 keep-logits=true ! c.ours t. ! reference-executor tokens=2 n-prompt=4 iterations=1"
                " warmup=0 keep-logits=true ! c.reference crossval name=c location=cv.json print=false {P}",
    "tee": "L fakesrc ! tee {P} ! fakesink",
}

PATHY = ("location", "output", "baselines", "gate-log", "dir", "directory", "markdown", "signing-key",
         "trusted-keys", "model", "library", "fixture")

# (name, setup, value, post-condition): a path that is not what it seems
PATH_VALUES = [
    ("empty", "", "''", ""),
    ("dash", "", "-", "must test ! -e ./-"),
    ("directory", "mkdir d", "d", "intact test -d d"),
    ("fifo", "mkfifo f", "f", "intact test -p f"),
    ("char-device", 'mknod n c 1 3 || skip "mknod needs root"', "n", "intact test -c n"),
    ("dangling-symlink", "ln -s nowhere/x s", "s", "intact test -L s; must test ! -e nowhere"),
    ("symlink-stdout", "ln -s /proc/self/fd/1 s", "s", "intact test -L s"),
    ("symlink-file", "echo keep >k; ln -s k s", "s", "intact test -L s"),
    ("missing-parent", "", "no/such/dir/x", ""),
    ("name-too-long", "", "x" * 300, ""),
    ("path-too-long", "", "a/" * 2100 + "x", ""),
]
STRING_VALUES = [
    ("empty", "''"),
    ("long-100k", "x" * 100000),
    ("control-bytes-invalid-utf8", "\"$(printf 'a\\tb\\001\\033[2J\\377\\376c')\""),
]
INT_VALUES = [("negative", "-1"), ("2^64", "18446744073709551616"), ("1e308", "1e308"), ("nan", "nan"),
              ("inf", "inf"), ("empty", "''"), ("word", "abc")]
DOUBLE_VALUES = [("1e308", "1e308"), ("-1e308", "-1e308"), ("nan", "nan"), ("inf", "inf"), ("empty", "''"),
                 ("word", "abc"), ("negative", "-1")]
# each numeric property gets ROTATE of these values, the next property the
# next ones: every value meets many properties at a fraction of the cost
ROTATE = 1
BOOL_VALUES = [("empty", "''"), ("two", "2"), ("word", "maybe")]
BOOL_ROTATE = 1
ENUM_VALUES = [("empty", "''"), ("unknown", "bogus"), ("number", "99999"), ("negative", "-1")]
LIST_VALUES = [("empty", "''"), ("many", ",".join(["x"] * 5000)), ("commas", "',,,,'")]


def range_max(p):
    r = p.get("range") or ""
    if " - " not in r:
        return None
    hi = r.split(" - ")[1]
    digits = "".join(ch for ch in hi if ch.isdigit() or ch in ".e+")
    return digits or None


# llama.cpp's elements cost seconds a case: fewer values each
COSTLY = ("crossval", "reference-executor")


def rotated(values, k, n=ROTATE):
    return [values[(k + j) % len(values)] for j in range(min(n, len(values)))]


def props_family(elements):
    k = 0
    for e in elements:
        name = e["name"]
        if name.startswith("test-") or name not in CONTEXTS:
            continue
        ctx = CONTEXTS[name]
        for p in e["properties"]:
            if "writable" not in p["flags"] or p["name"] == "name":
                continue
            pn, ptype = p["name"], p["type"]
            base = "props/%s.%s" % (name, pn)
            values = []
            costly = name in COSTLY
            if ptype in ("String", "String list") and any(w in pn for w in PATHY):
                # the writer family tries every kind of target on every writer
                for vname, setup, value, post in PATH_VALUES:
                    if vname in (("fifo", "char-device") if costly else
                                 ("fifo", "char-device", "symlink-stdout")):
                        values.append((vname, setup, value, post))
            elif ptype == "String":
                values = [(v, "", x, "") for v, x in rotated(STRING_VALUES, k, 1)]
                k += 1
            elif ptype == "String list":
                values = [(v, "", x, "") for v, x in LIST_VALUES]
            elif ptype in ("Double", "Float"):
                values = [(v, "", x, "") for v, x in rotated(DOUBLE_VALUES, k, 1 if costly else ROTATE)]
                k += ROTATE
            elif "Integer" in ptype:
                values = [(v, "", x, "") for v, x in rotated(INT_VALUES, k, 1 if costly else ROTATE)]
                k += ROTATE
            elif ptype == "Boolean":
                values = [(v, "", x, "") for v, x in rotated(BOOL_VALUES, k, 1)]
                k += 1
            else:  # Enum, Flags
                values = [(v, "", x, "") for v, x in rotated(ENUM_VALUES + [("plus", "'a+b+'")], k, 1)]
                k += 1
            for vname, setup, value, post in values:
                cmd = ctx.replace("{P}", "%s=%s" % (pn, value))
                pre = (setup + "; ") if setup else ""
                tail = "; ".join(x for x in (post, CHECK) if x)
                case("%s=%s" % (base, vname), "any", "-", "T=20; " + pre + cmd + "; " + tail,
                     "%s %s=<%s> is refused or run cleanly" % (name, pn, vname))
            hi = range_max(p)
            sizes = ("tokens", "iterations", "vocab", "hidden", "ffn", "layers", "heads", "ctx", "bytes", "samples",
                     "rows", "steps", "num-items", "window", "replay", "n-prompt", "min-runs")
            if hi and "Integer" in ptype and not costly and any(w in pn for w in sizes):
                cmd = ctx.replace("{P}", "%s=%s" % (pn, hi))
                case("%s=max" % base, "any|124", "-", "T=6; " + cmd + "; " + CHECK,
                     "%s %s at its maximum (%s) runs, is refused, or stops at SIGTERM" % (name, pn, hi))


# --- gguf: the tiny fixture mutated field by field ---

def gguf_family(lay):
    run = ("L loader location=m.gguf ! kernel-executor tokens=2 iterations=1 warmup=0"
           " ! receipt-sink location=o.json; " + CHECK)

    def mut(ident, ops, what, want="any"):
        case("gguf/" + ident, want, "-", "T=30; model m.gguf; %s mutate m.gguf m.gguf %s; %s"
             % (GM, " ".join(ops), run), what)

    size = lay["size"]
    cuts = {0, 1, 3, 4, 7, 8, 15, 16, 23, 24, lay["info_end"], lay["data_at"], lay["data_at"] + 1, size - 1,
            size // 2, size - 4096}
    for kv in lay["kvs"]:
        cuts |= {kv["key_at"], kv["key_at"] + 4, kv["type_at"], kv["value_at"] + 1}
    for t in lay["tensors"][:8]:
        cuts |= {t["name_at"] + 2, t["dims_at"], t["offset_at"] + 3, t["data_at"] + 17}
    cuts = sorted(c for c in cuts if 0 <= c < size)
    step = max(1, len(cuts) // 8)
    for c in cuts[::step]:
        if True:
            mut("truncate-%d" % c, ["truncate:%d" % c], "the fixture truncated to %d bytes is refused" % c, "fail")
    for v in (0, 1, 2, 4, 0xFFFFFFFF):
        mut("version-%d" % v, ["u32:4:%d" % v], "GGUF version %d" % v)
    for raw in ("47475547", "00000000", "4655474700"):
        mut("magic-%s" % raw, ["bytes:0:%s" % raw], "a wrong magic is refused", "fail")
    for field, at, real in (("n-tensors", 8, lay["n_tensors"]), ("n-kv", 16, lay["n_kv"])):
        for v in (0, real + 1, 2**32, 2**63, 2**64 - 1):
            mut("%s-%d" % (field, v), ["u64:%d:%d" % (at, v)], "header %s = %d" % (field, v))
    for i, kv in enumerate(lay["kvs"]):
        k = kv["key"]
        if i % 3 == 2 and kv["type"] not in (4, 5, 6, 10):
            continue
        if i % 2:
            mut("kv%d-key-len-huge" % i, ["u64:%d:%d" % (kv["key_at"], 2**63)], "key %s with length 2^63" % k, "fail")
        else:
            mut("kv%d-type-13" % i, ["u32:%d:13" % kv["type_at"]], "key %s of type 13 (none)" % k)
        if kv["type"] == 8:
            mut("kv%d-string-len-huge" % i, ["u64:%d:%d" % (kv["value_at"], 2**62)], "%s string length 2^62" % k)
            mut("kv%d-string-len-file" % i, ["u64:%d:%d" % (kv["value_at"], size)], "%s string past EOF" % k)
        elif kv["type"] == 9:
            mut("kv%d-array-n-huge" % i, ["u64:%d:%d" % (kv["array_n_at"], 2**61)], "%s array of 2^61" % k)
            mut("kv%d-array-type-nested" % i, ["u32:%d:9" % kv["value_at"]], "%s an array of arrays" % k)
            mut("kv%d-array-type-13" % i, ["u32:%d:13" % kv["value_at"]], "%s array of type 13" % k)
        elif kv["type"] in (4, 5, 10):
            width = "u64" if kv["type"] == 10 else "u32"
            for v in (0, 4294967295)[i % 2:i % 2 + 1]:
                mut("kv%d-%s-%d" % (i, width, v), ["%s:%d:%d" % (width, kv["value_at"], v)], "%s = %d" % (k, v))
        elif kv["type"] == 6:
            for v in ("nan", "inf"):
                mut("kv%d-f32-%s" % (i, v), ["f32:%d:%s" % (kv["value_at"], v)], "%s = %s" % (k, v))
    for i, t in enumerate(lay["tensors"]):
        n = t["name"]
        if i < 2:
            for v, why in ((2**63, "2^63"), (size, "EOF"), (t["offset"] + 1, "misaligned")):
                mut("t%d-offset-%s" % (i, why), ["u64:%d:%d" % (t["offset_at"], v)], "%s data at %s" % (n, why))
            for v in (40, 4294967295):
                mut("t%d-type-%d" % (i, v), ["u32:%d:%d" % (t["type_at"], v)], "%s of type %d" % (n, v))
            for v in (0, 4294967295):
                mut("t%d-ndims-%d" % (i, v), ["u32:%d:%d" % (t["ndims_at"], v)], "%s with %d dimensions" % (n, v))
            for v in (0, 2**62):
                mut("t%d-dim0-%d" % (i, v), ["u64:%d:%d" % (t["dims_at"], v)], "%s first dimension %d" % (n, v))
        fill = {0: "fill-f32", 1: "fill-f16"}.get(t["type"])
        if fill and (i < 2 or "norm" in n and i < 7):
            for v in ("nan", "inf"):
                mut("t%d-all-%s" % (i, v), ["%s:%d:%d:%s" % (fill, t["data_at"], t["count"], v)],
                    "every weight of %s is %s: refused, or no non-finite number written" % (n, v))
            mut("t%d-one-nan" % i, ["%s:%d:1:nan" % (fill, t["data_at"] + (4 if fill == "fill-f32" else 2) * 3)],
                "one NaN in %s" % n)


def gguf_py_family(have):
    """Files written by llama.cpp's own gguf-py with odd metadata (run by the reference, too)."""
    if not have:
        case("gguf-py/unavailable", "0", "-", 'skip "gguf-py (llama.cpp) or numpy unavailable"', "gguf-py files")
        return
    writer = 'python3 "$ROOT/tests/hostile/gguf-py-rewrite.py" x.gguf y.gguf'
    make = "L fixture-src size=tiny arch=bitnet weights=tq2_0 location=x.gguf ! fakesink"
    edits = [
        ("tokenizer-none", "tokenizer.ggml.model=str:none"),
        ("tokenizer-empty", "tokenizer.ggml.model=str:"),
        ("tokenizer-unknown", "tokenizer.ggml.model=str:klingon"),
        ("no-tokenizer", "-tokenizer.ggml.model -tokenizer.ggml.tokens -tokenizer.ggml.merges"),
        ("no-tokens", "-tokenizer.ggml.tokens"),
        ("no-merges", "-tokenizer.ggml.merges"),
        ("bos-out-of-range", "tokenizer.ggml.bos_token_id=u32:4294967295"),
        ("eos-out-of-range", "tokenizer.ggml.eos_token_id=u32:1000000"),
        ("arch-llama", "general.architecture=str:llama"),
        ("arch-empty", "general.architecture=str:"),
        ("rope-nan", "bitnet.rope.freq_base=f32:nan"),
        ("eps-negative", "bitnet.attention.layer_norm_rms_epsilon=f32:-1"),
        ("heads-zero", "bitnet.attention.head_count=u32:0"),
        ("kv-heads-3", "bitnet.attention.head_count_kv=u32:3"),
        ("ctx-zero", "bitnet.context_length=u32:0"),
        ("name-huge", "general.name=str:@100000"),
        ("unknown-keys", "x.u8=u8:255 x.i64=i64:-1 x.f64=f64:nan x.bool=bool:1 x.str=str:@1000"),
        ("alignment-64", "general.alignment=u32:64"),
        ("unicode-key", "kéy.ünïcode=str:ok"),
    ]
    for ident, edit in edits[:10]:
        case("gguf-py/%s" % ident, "any", "-",
             "T=60; %s; %s %s; L loader location=y.gguf ! tee name=t t. ! kernel-executor tokens=2 n-prompt=4"
             " iterations=1 warmup=0 keep-logits=true ! c.ours t. ! reference-executor tokens=2 n-prompt=4"
             " iterations=1 warmup=0 keep-logits=true ! c.reference crossval name=c location=cv.json print=false;"
             " %s" % (make, writer, edit, CHECK),
             "a gguf-py file with %s: both engines run it or refuse it as element errors, never abort" % edit)


# --- json: receipts and baselines with every field of every wrong type ---

WRONG = [("null", "None"), ("string", "'x'"), ("int", "7"), ("array", "[7]"), ("object", "{}"), ("true", "True")]


def paths(v, prefix, depth, out):
    if depth > 4:
        return
    if isinstance(v, dict):
        for k, x in v.items():
            p = prefix + [k]
            out.append((p, x))
            paths(x, p, depth + 1, out)
    elif isinstance(v, list) and v:
        p = prefix + [0]
        out.append((p, v[0]))
        paths(v[0], p, depth + 1, out)


def pyref(p):
    return "r" + "".join("[%r]" % k for k in p)


def jtype(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    return "array" if isinstance(v, list) else "object"


RECEIPT_RUN = ("L receipt-src location=r.json ! tee name=t t. ! strict-validator gates=fail-on-mock gate-log=g.json"
               " ! receipt-sink location=o.json t. ! baseline-sink location=nb.json min-runs=1 platform=other"
               " t. ! regression-analyzer baselines=b.json platform=linux-test output=v.json format=json")
BASELINES_RUN = ("L receipt-src location=r.json ! tee name=t t. ! regression-analyzer baselines=b.json"
                 " platform=linux-test output=v.json format=json t. ! baseline-sink location=b.json min-runs=1"
                 " platform=other")


def json_family(receipt, baselines):
    for which, doc, run, prep in (("receipt", receipt, RECEIPT_RUN, "receipt r.json; baselines b.json"),
                                  ("baselines", baselines, BASELINES_RUN, "receipt r.json; baselines b.json")):
        target = "r.json" if which == "receipt" else "b.json"
        # baseline-sink rewrites b.json: as it was (refused) or strict JSON
        keep = "" if which == "receipt" else "cp b.json keep.json; "
        check = CHECK if which == "receipt" else CHECK + "; jsonsame b.json keep.json"
        found = []
        rot = 0
        paths(doc, [], 0, found)
        # runs after the first are the same shape: keep their first only
        for p, v in found:
            # the seed's summary members are plain copies: their top level is enough
            if which == "receipt" and p[0] != "gst_bitnet" and len(p) > 1:
                continue
            # a run's members are what the elements read; the receipt's summaries are copies
            if which == "receipt" and len(p) > 2 and p[1] != "runs":
                continue
            # one run and one baseline entry stand for all: their members, not their arrays' items
            if len(p) > 4 or (which == "baselines" and len(p) > 3 and p[3] not in ("samples", "model_fingerprint")):
                continue
            own = jtype(v)
            label = ".".join(str(k) for k in p)
            picked = [w for w in WRONG if w[0] != own and not (own in ("int", "float") and w[0] in ("int", "float"))]
            rot += 1
            for tname, expr in (picked[rot % len(picked)],):
                case("json/%s.%s=%s" % (which, label, tname), "any", "-",
                     "T=30; %s; jset %s '%s = %s'; %s%s; %s" % (prep, target, pyref(p), expr, keep, run, check),
                     "%s member %s as %s is refused by name or ignored, never a crash" % (which, label, tname))
            if own in ("int", "float") and rot % 2:
                for tname, raw in ((("1e400", "1e400"), ("NaN", "NaN"), ("-1e400", "-1e400"))[rot % 3],):
                    case("json/%s.%s=%s" % (which, label, tname), "any", "-",
                         "T=30; %s; jset %s '%s = \"@X@\"'; sed -i 's/\"@X@\"/%s/' %s; %s%s; %s"
                         % (prep, target, pyref(p), raw, target, keep, run, check),
                         "%s member %s = %s (a number JSON cannot hold) is refused or ignored" % (which, label, raw))
        size = len(json.dumps(doc))
        whole = [
            ("empty", ": >%s" % target),
            ("null", "echo null >%s" % target),
            ("array", "echo '[]' >%s" % target),
            ("object", "echo '{}' >%s" % target),
            ("bom", "printf '\\357\\273\\277' >x; cat %s >>x; mv x %s" % (target, target)),
            ("nul-middle", "head -c 100 %s >x; printf '\\000' >>x; tail -c +101 %s >>x; mv x %s"
             % (target, target, target)),
            ("invalid-utf8", "sed -i '0,/\"/s//\"\\xff\\xfe/' %s" % target),
            ("nan-token", "sed -i '0,/: [0-9][0-9.]*/s//: NaN/' %s" % target),
            ("duplicate-keys", "sed -i 's/^{/{\"schema_version\":7,\"baselines\":1,/' %s" % target),
            ("deep-1000", "python3 -c \"print('[' * 1000 + ']' * 1000)\" >%s" % target),
            ("deep-100000-objects", "python3 -c \"print('{\\\"a\\\":' * 100000 + '1' + '}' * 100000)\" >%s"
             % target),
            ("string-10MB", "python3 -c \"print('{\\\"x\\\":\\\"' + 'a' * 10000000 + '\\\"}')\" >%s" % target),
            ("file-70MB", "python3 -c \"print('[' + '0,' * 35000000 + '0]')\" >%s" % target),
            ("lone-surrogate", "sed -i '0,/\"[a-z_]*\":/s//\"\\\\ud800\":/' %s" % target),
            ("escaped-nul", "sed -i '0,/\"[a-z_]*\":/s//\"a\\\\u0000b\":/' %s" % target),
            ("trailing-garbage", "echo '}}}' >>%s" % target),
        ]
        for cut in (1, size // 2, size - 2):
            whole.append(("truncated-%d" % cut, "python3 -c \"import sys; d=open('%s','rb').read(); "
                          "open('%s','wb').write(d[:%d])\"" % (target, target, cut)))
        for ident, mangle in whole:
            case("json/%s-%s" % (which, ident), "any", "-", "T=60; %s; %s; %s%s; %s" % (prep, mangle, keep, run, check),
                 "a %s file that is %s is refused with a message, never a crash or hang" % (which, ident))


def scripts_family():
    val = 'python3 "$ROOT/scripts/validate-performance-receipts.py"'
    det = 'python3 "$ROOT/scripts/detect-performance-regression.py"'
    mangles = [
        ("good", "true"),
        ("empty", ": >r.json"),
        ("not-json", "echo 'nope' >r.json"),
        ("runs-int", "jset r.json 'r[\"gst_bitnet\"][\"runs\"] = 7'"),
        ("kernels-int", "jset r.json 'r[\"gst_bitnet\"][\"runs\"][0][\"kernels\"] = [7]'"),
        ("deep", "python3 -c \"print('[' * 100000 + ']' * 100000)\" >r.json"),
        ("nan", "sed -i '0,/: [0-9][0-9.]*/s//: NaN/' r.json"),
        ("fifo", "rm r.json; mkfifo r.json"),
        ("directory", "rm r.json; mkdir r.json"),
        ("missing", "rm r.json"),
        ("bom", "printf '\\357\\273\\277' >x; cat r.json >>x; mv x r.json"),
        ("truncated", "python3 -c \"d=open('r.json').read(); open('r.json','w').write(d[:len(d)//2])\""),
    ]
    for ident, mangle in mangles[::2]:
        case("scripts/validate-%s" % ident, "any", "-", "T=60; receipt r.json; %s; R %s r.json; %s"
             % (mangle, val, CHECK), "validate-performance-receipts.py on a receipt that is %s" % ident)
        case("scripts/detect-%s" % ident, "any", "-",
             "T=60; receipt r.json; baselines b.json; %s; R %s --baselines b.json --platform linux-test r.json; %s"
             % (mangle, det, CHECK), "detect-performance-regression.py on a report that is %s" % ident)
    for ident, mangle in mangles[1:4]:
        m = mangle.replace("r.json", "b.json")
        case("scripts/detect-baselines-%s" % ident, "any", "-",
             "T=60; receipt r.json; baselines b.json; %s; R %s --baselines b.json --platform linux-test r.json; %s"
             % (m, det, CHECK), "detect-performance-regression.py with a baselines file that is %s" % ident)
    # compare-builds.py's other sides (scripts/bn_sides.py): damaged JSON-lines records and llama-bench
    # output, each read by --probe (the same readers a comparison uses)
    cmp = 'python3 "$ROOT/scripts/compare-builds.py" --probe --run-timeout 10'
    line = sq('{"compute_path": "real", "decode_tokens_per_second": 9, "decode_latency_ms": [0.1, 0.2]}')
    lb = "$ROOT/tests/scripts/data/llama-bench-tg.json"
    for ident, mangle in mangles[:2] + mangles[5:] + [
            ("long-line", "python3 -c \"print('{\\\"x\\\":\\\"' + 'a' * 2000000 + '\\\"}')\" >r.json"),
            ("output-70MB", "python3 -c \"print(('{}' + chr(10)) * 35000000)\" >r.json"),
            ("binary", "head -c 4096 /bin/sh >r.json")]:
        for side, prep in (("jsonl", "printf '%%s\\n' %s >r.json" % line), ("llama-bench", "cp %s r.json" % lb)):
            spec = ('"jsonl:cat r.json"' if side == "jsonl"
                    else '"llama-bench:sh $ROOT/tests/scripts/data/replay.sh r.json"')
            case("scripts/compare-%s-%s" % (side, ident), "0" if ident == "good" else "1", "-",
                 "T=60; %s; %s; R %s %s %s; notmp" % (prep, mangle, cmp, spec, spec),
                 "compare-builds.py --probe on %s output that is %s: read, or refused with a message" % (side, ident))
    for ident, args in (("timeout-nan", "--timeout nan r.json"), ("timeout-negative", "--timeout -5 r.json")):
        case("scripts/validate-args-%s" % ident, "any", "-", "T=60; receipt r.json; R %s %s" % (val, args),
             "validate-performance-receipts.py %s" % args)
        case("scripts/detect-args-%s" % ident, "any", "-", "T=60; receipt r.json; baselines b.json; R %s %s"
             % (det, args), "detect-performance-regression.py %s" % args)


# --- parse: the description language ---

def parse_family():
    items = [
        ("unterminated-quote", "L 'fakesrc num-items=\"3' ! fakesink", "fail"),
        ("unterminated-single", "L \"fakesrc num-items='3\" ! fakesink", "fail"),
        ("escaped-quote", "L fakesrc 'name=\"a\\\"b\"' ! fakesink", "any"),
        ("backslash-end", "L 'fakesrc name=a\\' ! fakesink", "any"),
        ("empty", "L ''", "fail"),
        ("only-bang", "L '!'", "fail"),
        ("double-bang", "L fakesrc ! ! fakesink", "fail"),
        ("trailing-bang", "L fakesrc !", "fail"),
        ("unknown-element", "L fakesrcc ! fakesink", "fail"),
        ("unknown-property", "L fakesrc bogus=1 ! fakesink", "fail"),
        ("property-no-value", "L fakesrc num-items= ! fakesink", "fail"),
        ("property-no-name", "L fakesrc =3 ! fakesink", "fail"),
        ("src-to-src", "L fakesrc ! fakesrc", "fail"),
        ("sink-to-sink", "L fakesink ! fakesink", "fail"),
        ("caps-mismatch", "L fixture-src size=tiny ! receipt-sink location=o.json", "fail"),
        ("caps-mismatch-2", "L fakesrc ! strict-validator ! fakesink", "any"),
        ("missing-named", "L fakesrc ! nosuch.", "fail"),
        ("missing-pad", "L fakesrc ! tee name=t t.nopad ! fakesink", "fail"),
        ("duplicate-names", "L fakesrc name=a ! fakesink name=a", "fail"),
        ("self-loop", "L tee name=t ! t.", "fail"),
        ("dangling-source", "L fakesrc", "any"),
        ("two-pipelines", "L fakesrc ! fakesink fakesrc ! fakesink", "any"),
        ("define-empty", "L -D X= fakesrc 'num-items=${X:-1}' ! fakesink", "any"),
        ("define-no-equals", "L -D X fakesrc ! fakesink", "fail"),
        ("define-bad-name", "L -D 'A B=1' fakesrc ! fakesink", "fail"),
        ("define-dollar", "L -D '$A=1' fakesrc ! fakesink", "fail"),
        ("define-long-value", "L -D X=$(head -c 100000 /dev/zero | tr '\\0' x) fakesrc 'name=${X}' ! fakesink",
         "any"),
        ("unset-variable", "L fakesrc 'num-items=${NOPE}' ! fakesink", "any"),
        ("unclosed-variable", "L fakesrc 'num-items=${A:-1' ! fakesink", "fail"),
        ("empty-variable-name", "L fakesrc 'num-items=${:-1}' ! fakesink", "fail"),
        ("variable-in-element-name", "L -D E=fakesink fakesrc ! '${E}'", "any"),
        ("recursive-define", "L -D 'A=${A}' fakesrc 'name=${A}' ! fakesink", "any"),
        ("nested-17", "L fakesrc %s ! fakesink" % sq("num-items=%s1%s" % ("${A:-" * 17, "}" * 17)), "fail"),
        ("nested-16", "L fakesrc %s ! fakesink" % sq("num-items=%s1%s" % ("${A:-" * 16, "}" * 16)), "any"),
        ("many-references", "L fakesrc %s ! fakesink" % sq("name=" + "${A:-x}" * 5000), "any"),
        ("chain-2000", "L fakesrc $(yes '! tee' | head -n 2000 | tr '\\n' ' ') ! fakesink", "any"),
        ("nul-in-file", "printf 'fakesrc !\\000 fakesink' >p.bnp; L -f p.bnp", "fail"),
        ("file-missing", "L -f nope.bnp", "fail"),
        ("file-directory", "mkdir p.bnp; L -f p.bnp", "fail"),
        ("file-fifo", "mkfifo p.bnp; L -f p.bnp", "fail"),
        ("file-empty", ": >p.bnp; L -f p.bnp", "fail"),
        ("file-only-comments", "printf '# x\\n# y\\n' >p.bnp; L -f p.bnp", "fail"),
        ("file-crlf", "printf 'fakesrc\\r\\n ! fakesink\\r\\n' >p.bnp; L -f p.bnp", "any"),
        ("file-invalid-utf8", "printf 'fakesrc name=\\377 ! fakesink\\n' >p.bnp; L -f p.bnp", "any"),
        ("file-bom", "printf '\\357\\273\\277fakesrc ! fakesink\\n' >p.bnp; L -f p.bnp", "any"),
        ("file-10MB-comment", "python3 -c \"print('#' + 'x' * 10000000); print('fakesrc ! fakesink')\" >p.bnp;"
         " L -f p.bnp", "any"),
        ("file-and-args", "echo 'fakesrc ! fakesink' >p.bnp; L -f p.bnp fakesrc ! fakesink", "any"),
        ("unicode-name", "L fakesrc name=ünï ! fakesink", "any"),
        ("newline-in-value", "L fakesrc \"name=$(printf 'a\\nb')\" ! fakesink", "any"),
        ("equals-in-value", "L fakesrc name=a=b ! fakesink", "any"),
        ("long-element-name", "L $(head -c 100000 /dev/zero | tr '\\0' a) ! fakesink", "fail"),
        ("unknown-option", "L --bogus fakesrc ! fakesink", "fail"),
        ("dot-empty", "L --dot '' fakesrc ! fakesink", "any"),
    ]
    for ident, cmd, want in items:
        case("parse/%s" % ident, want, "-", "T=20; %s; %s" % (cmd, CHECK), "the parser on %s" % ident)


# --- writers: every writer against targets that are not what they seem ---

WRITERS = [
    ("receipt-sink", "receipt r.json; L receipt-src location=r.json ! receipt-sink location={T}"),
    ("regression-output", "receipt r.json; baselines b.json; L receipt-src location=r.json ! regression-analyzer"
                          " baselines=b.json platform=linux-test format=json output={T}"),
    ("summary-sink", "L test-recordsrc 'json={\"x\":1}' ! summary-sink location={T} silent=true"),
    ("model-sink", "L fixture-src size=tiny ! model-sink location={T}"),
    ("fixture-location", "L fixture-src size=tiny location={T} ! fakesink"),
    ("gate-log", "receipt r.json; L receipt-src location=r.json ! strict-validator gates=ci-enhanced gate-log={T}"
                 " ! fakesink"),
    ("baseline-sink", "receipt r.json; L receipt-src location=r.json ! baseline-sink location={T} min-runs=1"),
    ("dot", "L --dot {T} fakesrc ! fakesink"),
    ("history-sink", "receipt r.json; L receipt-src location=r.json ! history-sink location={T}"),
    ("changepoint-output", "receipt r.json; L receipt-src location=r.json ! history-sink location=h.db;"
                           " L history-src location=h.db ! changepoint-analyzer output={T}"),
    ("trend-markdown", "receipt r.json; L receipt-src location=r.json ! history-sink location=h.db;"
                       " L history-src location=h.db ! trend-sink directory=t baselines=none markdown={T}"),
]
DIR_WRITERS = [
    ("report-sink-dir", "receipt r.json; baselines b.json; L receipt-src location=r.json ! regression-analyzer"
                        " baselines=b.json platform=linux-test silent=true ! report-sink dir={T}",
     ("performance-report.json", "llama-bench.csv", "system-info.json")),
    ("trend-sink-dir", "receipt r.json; L receipt-src location=r.json ! history-sink location=h.db;"
                       " L history-src location=h.db ! trend-sink baselines=none markdown=r.md directory={T}",
     ("index.html",)),
]
def targets(o):
    """Targets that are not what they seem, at path O: (name, setup, post-condition)."""
    sock = "python3 -c \"import socket; socket.socket(socket.AF_UNIX).bind('%s')\"" % o
    return [
        ("char-device-full", 'mknod %s c 1 7 || skip "mknod needs root"' % o, "intact test -c %s" % o),
        ("char-device-null", 'mknod %s c 1 3 || skip "mknod needs root"' % o, "intact test -c %s" % o),
        ("fifo", "mkfifo %s" % o, "intact test -p %s" % o),
        ("socket", sock, "intact test -S %s" % o),
        ("directory", "mkdir %s; echo keep >%s/k" % (o, o), "intact test -d %s; intact grep -qx keep %s/k" % (o, o)),
        ("dangling-symlink", "ln -s gone %s" % o, "intact test -L %s; must test ! -e gone" % o),
        ("symlink-file", "echo keep >$PWD/k; ln -s $PWD/k %s" % o, "intact test -L %s; intact grep -qx keep k" % o),
        ("symlink-stdout", "ln -s /proc/self/fd/1 %s" % o, "intact test -L %s" % o),
        ("symlink-dir", "mkdir dd; ln -s $PWD/dd %s" % o, "intact test -L %s; must sh -c '! ls -A dd | grep -q .'" % o),
        ("hardlink", "echo keep >k; ln k %s" % o, "intact grep -qx keep k"),
        ("read-only-file", "echo keep >%s; chmod 444 %s" % (o, o), ""),
        ("stale-temporary", "p=$(deadpid); echo partial >.%s.bn-tmp.$p.AbCdEf" % o,
         "must test ! -e .%s.bn-tmp.$p.AbCdEf" % o),
        ("live-temporary", "echo mine >.%s.bn-tmp.$$.AbCdEf" % o,
         "intact grep -qx mine .%s.bn-tmp.$$.AbCdEf; rm -f .%s.bn-tmp.$$.AbCdEf" % (o, o)),
        ("existing-file", "echo old >%s" % o, ""),
    ]


def writer_family(can_mount):
    for wname, cmd in WRITERS:
        cases = [(t, s, p, "o") for t, s, p in targets("o")
                 if t not in ("char-device-null", "read-only-file", "symlink-dir", "live-temporary", "existing-file",
                              "socket")]
        for tname, setup, post, target in cases:
            if wname == "history-sink" and tname == "stale-temporary":
                continue  # SQLite writes in place: no temporary of ours to clean
            tail = "; ".join(x for x in (post, CHECK) if x)
            case("writer/%s-%s" % (wname, tname), "any", "-",
                 "T=30; %s%s; %s" % (setup + "; " if setup else "", cmd.replace("{T}", target), tail),
                 "%s into a %s: refused naming what it is, or written without destroying anything"
                 % (wname, tname))
        # a full disk (a small tmpfs of our own)
        if can_mount:
            case("writer/%s-disk-full" % wname, "any", "-",
                 "T=30; mkdir m; mount -t tmpfs -o size=16k tmpfs m || skip 'mount failed'; dd if=/dev/zero of=m/fill"
                 " bs=1k count=15 2>/dev/null; %s; RCX=$RC; (cd m && %s); RC=$RCX; umount m"
                 % (cmd.replace("{T}", "m/o"), CHECK),
                 "%s onto a full disk fails cleanly and leaves no temporary" % wname)
        else:
            case("writer/%s-disk-full" % wname, "0", "-", "skip 'mount -t tmpfs is not allowed here'",
                 "%s onto a full disk" % wname)
    for wname, cmd, files in DIR_WRITERS:
        for tname, setup, post in targets("o")[2:6]:
            tail = "; ".join(x for x in (post, CHECK) if x)
            case("writer/%s-%s" % (wname, tname), "any", "-", "T=30; %s; %s; %s"
                 % (setup, cmd.replace("{T}", "o"), tail), "%s given a %s as its folder" % (wname, tname))
        for fname in files[:1]:
            for tname, setup, post in targets("o/" + fname)[:8:2]:
                tail = "; ".join(x for x in (post, CHECK) if x)
                case("writer/%s-%s-%s" % (wname, fname, tname), "any", "-", "T=30; mkdir -p o; %s; %s; %s"
                     % (setup, cmd.replace("{T}", "o"), tail), "%s with its %s a %s" % (wname, fname, tname))


def merge_family():
    for n in (2, 5, 10):
        for trial in range(1):
            case("merge/baseline-sink-%d-at-once-%d" % (n, trial), "0", "-",
                 "T=120; receipt r.json; for i in $(seq %d); do ( \"$BN_LAUNCH\" receipt-src location=r.json"
                 " ! baseline-sink location=b.json min-runs=1 platform=p$i >o$i 2>&1; echo $? >rc$i ) & done; wait;"
                 " L receipt-src location=r.json ! baseline-sink location=b.json min-runs=1 platform=last;"
                 " must test \"$(cat rc* | sort -u)\" = 0; must python3 -c \"import json,sys;"
                 " sys.exit(len(json.load(open('b.json'))['baselines']) != %d)\"; %s" % (n, n + 1, CHECK),
                 "%d baseline-sinks merging into one file at once all succeed and all platforms survive" % n)
    for wname, cmd in WRITERS[:5] + WRITERS[8:9]:
        prep, inner = cmd.split("L ", 1)
        inner = inner.replace("{T}", "o")
        case("merge/%s-8-writers" % wname, "any", "-",
             "T=120; %sfor i in 1 2 3 4 5 6 7 8; do ( \"$BN_LAUNCH\" %s >o$i.txt 2>&1; echo $? >rc$i ) & done;"
             " wait; L %s; must test \"$(cat rc* | sort -u)\" = 0; %s" % (prep, inner, inner, CHECK),
             "eight %s processes writing one file at once: all succeed, the file is whole, no temporary" % wname)


# --- signals: SIGINT/SIGTERM during runs, kill -9 then the same run again ---

SIGNAL_RUNS = [
    ("model-write", "fixture-src size=small location=m.gguf ! fakesink", "m.gguf"),
    ("receipt", "fixture-src size=tiny ! kernel-executor tokens=16 iterations=12 ! receipt-sink location=o.json",
     "o.json"),
    ("baselines", "fixture-src size=tiny ! kernel-executor tokens=16 iterations=12 ! tee name=t"
                  " t. ! baseline-sink location=b.json min-runs=1 t. ! receipt-sink location=o.json", "b.json"),
    ("kernel-bench", "kernel-bench formats=i2s measurement-time=3000 ! summary-sink location=s.json silent=true",
     "s.json"),
    ("fakesrc-sleep", "fakesrc num-items=100 sleep=100000 ! fakesink", "-"),
    ("fifo-loader", "loader location=f ! fakesink", "-"),
]


def signal_family():
    for rname, pipe, out in SIGNAL_RUNS:
        setup = "mkfifo f; " if "fifo" in rname else ""
        valid = CHECK if out == "-" else "%s; must sh -c 'test ! -e %s || test -s %s'" % (CHECK, out, out)
        for sig in ("INT", "TERM"):
            for delay in ("0.05", "1"):
                case("signal/%s-%s-%s" % (rname, sig, delay), "0|1|130|143", "-",
                     "%stimeout -k 5 30 \"$BN_LAUNCH\" %s >out.txt 2>&1 & p=$!; sleep %s; kill -%s $p; wait $p; RC=$?;"
                     " %s" % (setup, pipe, delay, sig, valid),
                     "SIG%s after %s s during %s ends it promptly, with no temporary and no half file"
                     % (sig, delay, rname))
        if "fifo" in rname:
            continue
        for delay in ("0.5",):
            case("signal/%s-kill9-%s-rerun" % (rname, delay), "0", "-",
                 "T=180; \"$BN_LAUNCH\" %s >/dev/null 2>&1 & p=$!; sleep %s; kill -9 $p; wait $p; L %s; %s"
                 % (pipe, delay, pipe, valid),
                 "kill -9 after %s s during %s, then the same run: it succeeds and leaves nothing behind"
                 % (delay, rname))


def main():
    elements = json.load(open(sys.argv[1]))
    lay = json.load(open(sys.argv[2]))
    receipt = json.load(open(sys.argv[3]))
    baselines = json.load(open(sys.argv[4]))
    have_gguf_py = len(sys.argv) > 5 and sys.argv[5] == "yes"
    can_mount = len(sys.argv) > 6 and sys.argv[6] == "yes"
    only = sys.argv[7].split(",") if len(sys.argv) > 7 and sys.argv[7] else None
    families = [("props", lambda: props_family(elements)), ("gguf", lambda: gguf_family(lay)),
                ("gguf-py", lambda: gguf_py_family(have_gguf_py)), ("json", lambda: json_family(receipt, baselines)),
                ("scripts", scripts_family), ("parse", parse_family), ("writer", lambda: writer_family(can_mount)),
                ("merge", merge_family), ("signal", signal_family)]
    for name, fn in families:
        if only is None or name in only:
            fn()
    print("\n".join(CASES))


if __name__ == "__main__":
    main()
