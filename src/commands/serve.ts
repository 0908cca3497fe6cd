/** `dirbridge serve`: load the config, start the directory, print where it listens, run until signalled. */
import { Command, Option } from 'commander';
import { startDirbridge } from '../app.js';
import { createLogger } from '../observability/logger.js';
import { Reloader } from '../reload/reloader.js';
import { VERSION } from '../version.js';
import type { Finish } from './command-error.js';
import { configOption, loadCommandConfig, type ConfigOptions } from './command-setup.js';
import { pidFileIn, removePidFile, writePidFile } from './pid-file.js';

export interface ServeOptions extends ConfigOptions {
  readonly pidFile?: string;
}

export function serveCommand(finish: Finish): Command {
  return new Command('serve')
    .summary('serve the directory over LDAP (what runs without a command)')
    .description(
      'Loads the config, loads every replica source, listens where `listen` says and serves until ' +
        'SIGINT or SIGTERM. SIGHUP (or `dirbridge reload`) re-reads the config without a restart. ' +
        'Logs go to stderr as JSON lines (pretty on a terminal).',
    )
    .addOption(configOption())
    .addOption(
      new Option(
        '--pid-file <file>',
        'where to write the process id for `dirbridge reload` (default: dirbridge.pid in directory.dataDir)',
      ),
    )
    .addHelpText(
      'after',
      '\nExit status: 0 stopped by a signal, 1 the config or a source is wrong, 2 usage error.',
    )
    .action(async (options: ServeOptions) => finish(await serve(options.config, options.pidFile)));
}

export async function serve(configFile: string, pidFileOption?: string): Promise<number> {
  // A SIGHUP while the sources load would end the process (Node's default): it reloads once started.
  const hangup = { early: false };
  const early = (): void => {
    hangup.early = true;
  };
  process.on('SIGHUP', early);
  const config = await loadCommandConfig(configFile);
  const logger = createLogger(config.log.level);
  const running = await startDirbridge(config, logger);
  const reloader = new Reloader(running, loadCommandConfig);
  const reload = (): void => {
    logger.info({ file: config.file }, 'reloading the config (SIGHUP)');
    reloader.reload().catch((error: unknown) => logger.error({ err: error }, 'config reload failed'));
  };
  process.off('SIGHUP', early).on('SIGHUP', reload);
  // Before saying where it listens: whoever reads that line may signal at once (a test, a supervisor).
  const signalled = new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const pidFile = pidFileOption ?? pidFileIn(config.directory.dataDir);
  if (pidFile !== undefined) await writePidFile(pidFile);
  for (const address of running.addresses) {
    logger.info({ url: address.url }, 'listening');
    process.stdout.write(`dirbridge ${VERSION} serving ${config.directory.suffix} on ${address.url}\n`);
  }
  if (running.adminUrl) {
    logger.info({ url: running.adminUrl }, 'admin listening');
    process.stdout.write(
      `metrics and health on ${running.adminUrl} (/metrics, /healthz, /readyz; status page: /status)\n`,
    );
  }
  const first = running.addresses[0];
  if (first) process.stdout.write(`Try: ${ldapsearchLine(first.url, config.directory.suffix)}\n`);
  if (hangup.early) reload();
  await signalled;
  logger.info('shutting down');
  // Still handled: Node's default for SIGHUP would end the process before the connections drain.
  process.off('SIGHUP', reload).on('SIGHUP', () => logger.info('reload ignored: shutting down'));
  reloader.close();
  await running.close(running.config.limits.shutdownTimeout * 1000);
  if (pidFile !== undefined) await removePidFile(pidFile);
  return 0;
}

/** A search a person can paste to see the directory answer. */
function ldapsearchLine(url: string, suffix: string): string {
  const host = url.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://[::1]:');
  return `ldapsearch -x -H ${host} -b '${suffix}' '(|(cn=*mül*)(sn=*mül*))' cn telephoneNumber mobile`;
}
