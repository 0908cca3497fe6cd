#!/usr/bin/env -S node --max-semi-space-size=8
/**
 * Entry point of the `dirbridge` command. The young generation is capped at 8 MB a half (V8's
 * default is 16): a replica's load promotes its garbage either way, and a smaller nursery keeps
 * about 20 MB less resident for the life of the server (docs/replicas.md). `npm start` passes the
 * same flag; scripts/bench/dirbridge-server.ts reads it from this line.
 */
import { run } from './commands/main.js';

run(process.argv.slice(2));
