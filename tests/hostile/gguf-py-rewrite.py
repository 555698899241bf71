#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Rewrites a GGUF file through llama.cpp's own gguf-py, with odd metadata.

  gguf-py-rewrite.py IN OUT EDIT...

EDIT is KEY=TYPE:VALUE (set; TYPE one of str u8 u32 i64 f32 f64 bool; a
str VALUE of @N is N letters) or -KEY (remove). The tensors are copied as
they are. Needs gguf-py on PYTHONPATH (tests/hostile/campaign.sh finds it in
the pinned llama.cpp package) and numpy.
"""
import sys

import gguf  # noqa: E402  (llama.cpp's gguf-py)
import numpy as np

TYPES = {
    "str": (gguf.GGUFValueType.STRING, lambda v: "x" * int(v[1:]) if v.startswith("@") else v),
    "u8": (gguf.GGUFValueType.UINT8, int),
    "u32": (gguf.GGUFValueType.UINT32, int),
    "i64": (gguf.GGUFValueType.INT64, int),
    "f32": (gguf.GGUFValueType.FLOAT32, float),
    "f64": (gguf.GGUFValueType.FLOAT64, float),
    "bool": (gguf.GGUFValueType.BOOL, lambda v: v not in ("0", "false")),
}


def field_value(field):
    vtype = field.types[0]
    if vtype == gguf.GGUFValueType.ARRAY:
        sub = field.types[-1]
        if sub == gguf.GGUFValueType.STRING:
            return [bytes(field.parts[i]).decode("utf-8", "replace") for i in field.data], sub
        return [field.parts[i].tolist()[0] for i in field.data], sub
    if vtype == gguf.GGUFValueType.STRING:
        return bytes(field.parts[field.data[0]]).decode("utf-8", "replace"), None
    return field.parts[field.data[0]].tolist()[0], None


def main():
    src, dst, edits = sys.argv[1], sys.argv[2], sys.argv[3:]
    reader = gguf.GGUFReader(src)
    arch = bytes(reader.fields["general.architecture"].parts[-1]).decode()
    sets, removes = {}, set()
    for e in edits:
        if e.startswith("-"):
            removes.add(e[1:])
        else:
            key, _, rest = e.partition("=")
            tname, _, value = rest.partition(":")
            vtype, conv = TYPES[tname]
            sets[key] = (vtype, conv(value))
    writer = gguf.GGUFWriter(dst, arch)
    for name, field in reader.fields.items():
        if name.startswith("GGUF.") or name in removes or name in sets or name == "general.architecture":
            continue
        value, sub = field_value(field)
        writer.add_key_value(name, value, field.types[0], sub_type=sub)
    for key, (vtype, value) in sets.items():
        if key == "general.architecture":
            writer.kv_data[0]["general.architecture"] = gguf.GGUFValue(value, vtype)
            continue
        writer.add_key_value(key, value, vtype)
    for t in reader.tensors:
        writer.add_tensor(t.name, np.asarray(t.data), raw_dtype=t.tensor_type)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


if __name__ == "__main__":
    main()
