#!/usr/bin/env python3
"""Rewrites a GGUF file with llama.cpp's own writer (gguf-py) as a model
without a vocabulary: every key but the tokenizer's is copied,
tokenizer.ggml.model becomes "none", the tensors are copied as they are.
With --drop-vocab-size, <arch>.vocab_size goes too. Used by
tests/elements/crossval/test-crossval.c.

Usage: gguf-no-vocab.py GGUF_PY_DIR IN.gguf OUT.gguf [--drop-vocab-size]
"""
import sys

sys.path.insert(0, sys.argv[1])
drop_vocab_size = "--drop-vocab-size" in sys.argv[4:]
import gguf  # noqa: E402

src = gguf.GGUFReader(sys.argv[2])


def text(field, i):
    return bytes(field.parts[i]).decode()


arch = text(src.fields["general.architecture"], src.fields["general.architecture"].data[0])
out = gguf.GGUFWriter(sys.argv[3], arch)
for field in src.fields.values():
    if field.name.startswith(("GGUF.", "tokenizer.")) or field.name == "general.architecture":
        continue
    if drop_vocab_size and field.name == arch + ".vocab_size":
        continue
    kind = field.types[0]
    if kind == gguf.GGUFValueType.STRING:
        out.add_key_value(field.name, text(field, field.data[0]), kind)
    elif kind == gguf.GGUFValueType.ARRAY:
        sub = field.types[1]
        if sub == gguf.GGUFValueType.STRING:
            values = [text(field, i) for i in field.data]
        else:
            values = [field.parts[i].tolist()[0] for i in field.data]
        out.add_key_value(field.name, values, kind, sub_type=sub)
    else:
        out.add_key_value(field.name, field.parts[field.data[0]].tolist()[0], kind)
out.add_tokenizer_model("none")
for t in src.tensors:
    out.add_tensor(t.name, t.data, raw_shape=t.data.shape, raw_dtype=t.tensor_type)
out.write_header_to_file()
out.write_kv_data_to_file()
out.write_tensors_to_file()
out.close()
