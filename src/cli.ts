#!/usr/bin/env node
/** Entry point of the `dirbridge` command. */
import { run } from './commands/main.js';

run(process.argv.slice(2));
