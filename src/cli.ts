#!/usr/bin/env -S MALLOC_MMAP_THRESHOLD_=4194304 MALLOC_TRIM_THRESHOLD_=33554432 node --max-semi-space-size=8
/**
 * Entry point of the `dirbridge` command. The young generation is capped at 8 MB a half (V8's
 * default is 16): a replica's load promotes its garbage either way, and a smaller nursery keeps
 * about 20 MB less resident for the life of the server (docs/replicas.md).
 *
 * glibc's malloc is told to keep blocks of 4 MiB and more out of its arenas (mapped for each and
 * unmapped when freed) and to give back what tops an arena past 32 MiB. Left to itself, it raises
 * the first bound to the size of the largest block freed: after one scrypt (16 MiB, a local
 * account's bind) every later one stayed in the arena of the pool thread that ran it, up to 64 MiB
 * resident for good once wrong passwords had come (docs/operations.md). glibc reads these once,
 * before Node starts, so they are set here and in `npm start`; scripts/bench/dirbridge-server.ts
 * reads this line for both.
 */
import { run } from './commands/main.js';

run(process.argv.slice(2));
