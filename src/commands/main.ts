/**
 * The `dirbridge` command line: parses arguments, runs a command, and turns errors an operator can
 * fix into one clear line. The other commands of the operator's toolbox (check, fields, search,
 * export, hash-password, status) come with the next issue.
 */
import { parseArgs } from 'node:util';
import { StartupError } from '../app.js';
import { serve } from './serve.js';
import { ConfigError } from '../config/config-error.js';
import { ListenerConfigError } from '../server.js';
import { VERSION } from '../version.js';

const USAGE = `Usage: dirbridge <command> [options]

Commands:
  serve     serve the directory over LDAP

Options:
  -c, --config <file>   config file (default: config/default.yaml)
  -h, --help            show this help
  -v, --version         print the version`;

export async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c', default: 'config/default.yaml' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
  if (values.version) {
    process.stdout.write(`dirbridge ${VERSION}\n`);
    return 0;
  }
  const [command = 'serve'] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command !== 'serve') {
    process.stderr.write(`dirbridge: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  return serve(values.config);
}

/** Errors an operator can fix get one clear line and exit code 1; anything else is a bug. */
function report(error: unknown): number {
  if (error instanceof ConfigError || error instanceof StartupError || error instanceof ListenerConfigError) {
    process.stderr.write(`dirbridge: ${error.message}\n`);
    return 1;
  }
  if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    process.stderr.write(`dirbridge: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  process.stderr.write(
    `dirbridge: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return 70;
}

/** Runs a command and sets the exit code; fixtures that add source types call this too. */
export function run(argv: readonly string[]): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = report(error);
    },
  );
}
