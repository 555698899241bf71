#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hostile GGUF files for tests/hostile/campaign.sh.

  gguf-mutate.py layout FILE            prints the layout as JSON (for the
                                        case generator)
  gguf-mutate.py mutate IN OUT OP...    writes IN with each OP applied to OUT

OPs (offsets are absolute; values are decimal, or nan / inf / -inf for
floats):
  truncate:N            keep the first N bytes
  u32:OFF:V  u64:OFF:V  i32:OFF:V  f32:OFF:V  f64:OFF:V   overwrite a field
  bytes:OFF:HEX         overwrite raw bytes
  fill-f32:OFF:COUNT:V  COUNT float32 values from OFF set to V
  fill-f16:OFF:COUNT:V  the same for float16

The parser reads GGUF v2/v3 (docs/gguf.md): a header (magic, version,
tensor count, key-value count), the key-value pairs, the tensor infos
(name, dimensions, type, data offset), then the aligned data.
"""
import json
import struct
import sys

SCALAR = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<B", 10: "<Q", 11: "<q", 12: "<d"}


class Reader:
    def __init__(self, data):
        self.d = data
        self.p = 0

    def take(self, fmt):
        v = struct.unpack_from(fmt, self.d, self.p)[0]
        self.p += struct.calcsize(fmt)
        return v

    def string(self):
        at = self.p
        n = self.take("<Q")
        s = self.d[self.p:self.p + n]
        self.p += n
        return at, s.decode("utf-8", "replace")

    def value(self, vtype):
        if vtype in SCALAR:
            return self.take(SCALAR[vtype])
        if vtype == 8:
            return self.string()[1]
        if vtype == 9:
            etype = self.take("<I")
            n = self.take("<Q")
            return [self.value(etype) for _ in range(n)]
        raise ValueError("unknown type %d" % vtype)


def layout(path):
    r = Reader(open(path, "rb").read())
    r.take("<I")
    r.take("<I")
    n_tensors = r.take("<Q")
    n_kv = r.take("<Q")
    kvs = []
    alignment = 32
    for _ in range(n_kv):
        key_at, key = r.string()
        type_at = r.p
        vtype = r.take("<I")
        value_at = r.p
        v = r.value(vtype)
        item = {"key": key, "key_at": key_at, "type_at": type_at, "type": vtype, "value_at": value_at}
        if vtype == 9:
            item["array_type"] = struct.unpack_from("<I", r.d, value_at)[0]
            item["array_n_at"] = value_at + 4
        if vtype in SCALAR:
            item["value"] = v
        if key == "general.alignment":
            alignment = v
        kvs.append(item)
    tensors = []
    for _ in range(n_tensors):
        name_at, name = r.string()
        ndims_at = r.p
        ndims = r.take("<I")
        dims_at = r.p
        dims = [r.take("<Q") for _ in range(ndims)]
        type_at = r.p
        ttype = r.take("<I")
        offset_at = r.p
        offset = r.take("<Q")
        tensors.append({"name": name, "name_at": name_at, "ndims_at": ndims_at, "dims_at": dims_at, "dims": dims,
                        "type_at": type_at, "type": ttype, "offset_at": offset_at, "offset": offset})
    data_at = (r.p + alignment - 1) // alignment * alignment
    for t in tensors:
        t["data_at"] = data_at + t["offset"]
        count = 1
        for d in t["dims"]:
            count *= d
        t["count"] = count
    return {"size": len(r.d), "n_tensors": n_tensors, "n_kv": n_kv, "kvs": kvs, "tensors": tensors,
            "info_end": r.p, "data_at": data_at}


def number(s):
    return float(s) if s in ("nan", "inf", "-inf") or "." in s or "e" in s else int(s)


def mutate(src, dst, ops):
    d = bytearray(open(src, "rb").read())
    for op in ops:
        kind, _, rest = op.partition(":")
        args = rest.split(":")
        if kind == "truncate":
            del d[int(args[0]):]
        elif kind in ("u32", "u64", "i32", "f32", "f64"):
            fmt = {"u32": "<I", "u64": "<Q", "i32": "<i", "f32": "<f", "f64": "<d"}[kind]
            struct.pack_into(fmt, d, int(args[0]), number(args[1]))
        elif kind == "bytes":
            raw = bytes.fromhex(args[1])
            d[int(args[0]):int(args[0]) + len(raw)] = raw
        elif kind in ("fill-f32", "fill-f16"):
            fmt, size = ("<f", 4) if kind == "fill-f32" else ("<e", 2)
            at, count, v = int(args[0]), int(args[1]), float(args[2])
            for i in range(count):
                struct.pack_into(fmt, d, at + i * size, v)
        else:
            raise SystemExit("unknown operation " + op)
    open(dst, "wb").write(bytes(d))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "layout":
        json.dump(layout(sys.argv[2]), sys.stdout)
    elif len(sys.argv) >= 4 and sys.argv[1] == "mutate":
        mutate(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        raise SystemExit(__doc__)
