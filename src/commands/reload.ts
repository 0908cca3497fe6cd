/**
 * `dirbridge reload`: asks a running `dirbridge serve` to re-read its config file (SIGHUP, as
 * `systemctl reload` sends). The server finds what changed, applies it without dropping a
 * connection, or refuses a config that does not load; its log says which (src/reload/reloader.ts).
 */
import { Command, Option } from 'commander';
import { CommandError, type Finish } from './command-error.js';
import { configOption, type ConfigOptions } from './command-setup.js';
import { pidFileOfConfig, runningPid } from './pid-file.js';

export interface ReloadOptions extends ConfigOptions {
  readonly pidFile?: string;
}

export function reloadCommand(finish: Finish): Command {
  return new Command('reload')
    .summary('make the running server re-read its config file, without a restart')
    .description(
      'Sends SIGHUP to the `dirbridge serve` that runs with this config, found by its pid file ' +
        '(dirbridge.pid in directory.dataDir, or --pid-file). The server reloads its own config ' +
        'file: changed sources are swapped in once loaded, accounts, access and limits apply to new ' +
        'operations, and a config with errors is refused while the running one keeps serving. Its ' +
        'log says what changed or why it refused; `dirbridge check` shows the errors beforehand.',
    )
    .addOption(configOption())
    .addOption(new Option('--pid-file <file>', 'the pid file `dirbridge serve --pid-file` was given'))
    .addHelpText('after', '\nExit status: 0 the server was asked, 1 no running server found, 2 usage error.')
    .action(async (options: ReloadOptions) => finish(await reload(options)));
}

export async function reload(options: ReloadOptions): Promise<number> {
  const file = options.pidFile ?? pidFileOfConfig(options.config);
  const pid = await runningPid(file);
  try {
    process.kill(pid, 'SIGHUP');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CommandError(`cannot signal dirbridge (pid ${pid}): ${code}`);
  }
  process.stdout.write(`asked dirbridge (pid ${pid}) to reload its config; its log says what changed\n`);
  return 0;
}
