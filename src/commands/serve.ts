/** `dirbridge serve`: load the config, start the directory, print where it listens, run until signalled. */
import { Command } from 'commander';
import { startDirbridge } from '../app.js';
import { createLogger } from '../observability/logger.js';
import { VERSION } from '../version.js';
import type { Finish } from './command-error.js';
import { configOption, loadCommandConfig, type ConfigOptions } from './command-setup.js';

export function serveCommand(finish: Finish): Command {
  return new Command('serve')
    .summary('serve the directory over LDAP (what runs without a command)')
    .description(
      'Loads the config, loads every replica source, listens where `listen` says and serves until ' +
        'SIGINT or SIGTERM. Logs go to stderr as JSON lines (pretty on a terminal).',
    )
    .addOption(configOption())
    .addHelpText(
      'after',
      '\nExit status: 0 stopped by a signal, 1 the config or a source is wrong, 2 usage error.',
    )
    .action(async (options: ConfigOptions) => finish(await serve(options.config)));
}

export async function serve(configFile: string): Promise<number> {
  const config = await loadCommandConfig(configFile);
  const logger = createLogger(config.log.level);
  const running = await startDirbridge(config, logger);
  // Before saying where it listens: whoever reads that line may signal at once (a test, a supervisor).
  const signalled = new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
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
  await signalled;
  logger.info('shutting down');
  await running.close(config.limits.shutdownTimeout * 1000);
  return 0;
}

/** A search a person can paste to see the directory answer. */
function ldapsearchLine(url: string, suffix: string): string {
  const host = url.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://[::1]:');
  return `ldapsearch -x -H ${host} -b '${suffix}' '(|(cn=*mül*)(sn=*mül*))' cn telephoneNumber mobile`;
}
