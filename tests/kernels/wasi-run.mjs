// gst-bitnet: runs a wasm32-wasi program under Node.js's WASI, passing
// its arguments and exit status through (tests/kernels/run-wasm-node.sh).
//   node tests/kernels/wasi-run.mjs PROGRAM.wasm [ARG...]
// SPDX-License-Identifier: LGPL-2.1-or-later
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { argv, env, exit } from 'node:process';

const wasi = new WASI({ version: 'preview1', args: argv.slice(2), env: { ...env, BN_EMULATOR: 'wasm' }, preopens: {} });
const module = await WebAssembly.compile(await readFile(argv[2]));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
exit(wasi.start(instance));
