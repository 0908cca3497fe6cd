/**
 * The `dirbridge` command line: one command per file in this folder, each defining its options and
 * `--help` with commander, and one policy for how a run ends. Exit codes: 0 done; 1 an error the
 * operator can fix, told in one line on stderr (a bad config, a source that fails, a server that
 * refuses); 2 a usage error (the line, and where the help is); 70 a bug, with its stack.
 */
import { Command, CommanderError } from 'commander';
import { StartupError } from '../app.js';
import { ConfigError } from '../config/config-error.js';
import { ListenerConfigError } from '../server.js';
import { VERSION } from '../version.js';
import { checkCommand } from './check.js';
import { CommandError, EXIT, UsageError, type Finish } from './command-error.js';
import { exportCommand } from './export.js';
import { fieldsCommand } from './fields.js';
import { hashPasswordCommand } from './hash-password.js';
import { reloadCommand } from './reload.js';
import { searchCommand } from './search.js';
import { serveCommand } from './serve.js';
import { statusCommand } from './status.js';
import { syncCommand } from './sync.js';

/** In the order `dirbridge --help` lists them; `serve` is also what runs without a command. */
const COMMANDS: readonly ((finish: Finish) => Command)[] = [
  serveCommand,
  checkCommand,
  fieldsCommand,
  searchCommand,
  exportCommand,
  statusCommand,
  syncCommand,
  reloadCommand,
];

const HELP_HINT = 'Run "dirbridge <command> --help" for its options.';

export async function main(argv: readonly string[]): Promise<number> {
  // It reads its own arguments and its help (src/commands/hash-password.ts) and needs no config.
  if (argv[0] === 'hash-password') return hashPasswordCommand(argv.slice(1));
  let code: number = EXIT.ok;
  const program = createProgram((result) => (code = result));
  try {
    rejectUnknownCommand(program, argv);
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    // Help and version end in a CommanderError too, with exit code 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    throw error;
  }
  return code;
}

function createProgram(finish: Finish): Command {
  const program = new Command('dirbridge')
    .description('An LDAP virtual directory for PBXs and IP phones.')
    .version(`dirbridge ${VERSION}`, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`dirbridge: ${text.replace(/^error: /, '')}`) })
    .showHelpAfterError(HELP_HINT)
    .addHelpText(
      'after',
      `\n${HELP_HINT}\nExit status: 0 done, 1 an error to fix (told on stderr), 2 usage error.`,
    );
  for (const define of COMMANDS) {
    const command = define(finish).helpOption('-h, --help', 'show this help');
    command.copyInheritedSettings(program);
    program.addCommand(command, { isDefault: command.name() === 'serve' });
  }
  // Listed in the help; main() runs it before commander sees the arguments.
  program.addCommand(
    new Command('hash-password').summary('hash a password (read on standard input) for access.accounts'),
  );
  return program;
}

/**
 * `dirbridge chek` would otherwise run the default command with a stray argument; say what is wrong.
 * A first argument that is not an option must name a command.
 */
function rejectUnknownCommand(program: Command, argv: readonly string[]): void {
  const [first] = argv;
  if (first === undefined || first.startsWith('-')) return;
  const known = program.commands.map((command) => command.name());
  if (first === 'help' || known.includes(first)) return;
  throw new UsageError(`unknown command "${first}" (commands: ${known.join(', ')})`);
}

/** Errors an operator can fix get one clear line and exit code 1 (2 for usage); anything else is a bug. */
function report(error: unknown): number {
  if (isClosedPipe(error)) return EXIT.ok;
  if (error instanceof UsageError) {
    process.stderr.write(`dirbridge: ${error.message}\n${HELP_HINT}\n`);
    return EXIT.usage;
  }
  if (
    error instanceof CommandError ||
    error instanceof ConfigError ||
    error instanceof StartupError ||
    error instanceof ListenerConfigError
  ) {
    process.stderr.write(`dirbridge: ${error.message}\n`);
    return EXIT.failed;
  }
  process.stderr.write(
    `dirbridge: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT.bug;
}

/** A reader that stopped early (`dirbridge export | head`): not an error, the output just ends. */
function isClosedPipe(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EPIPE';
}

/** Runs a command and sets the exit code; fixtures that add source types call this too. */
export function run(argv: readonly string[]): void {
  process.stdout.on('error', (error) => {
    if (!isClosedPipe(error)) throw error;
    process.exit(EXIT.ok);
  });
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = report(error);
    },
  );
}
