/** `dirbridge serve`: load the config, start the directory, print where it listens, run until signalled. */
import { startDirbridge } from '../app.js';
import { loadConfig } from '../config/load.js';
import { createLogger } from '../observability/logger.js';
import { sourceTypeNames } from '../sources/registry.js';
import { VERSION } from '../version.js';

export async function serve(configFile: string): Promise<number> {
  const config = await loadConfig(configFile, { sourceTypes: sourceTypeNames() });
  const logger = createLogger(config.log.level);
  const running = await startDirbridge(config, logger);
  for (const address of running.addresses) {
    logger.info({ url: address.url }, 'listening');
    process.stdout.write(`dirbridge ${VERSION} serving ${config.directory.suffix} on ${address.url}\n`);
  }
  const first = running.addresses[0];
  if (first) process.stdout.write(`Try: ${ldapsearchLine(first.url, config.directory.suffix)}\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  logger.info('shutting down');
  await running.close();
  return 0;
}

/** A search a person can paste to see the directory answer. */
function ldapsearchLine(url: string, suffix: string): string {
  const host = url.replace('://0.0.0.0:', '://127.0.0.1:').replace('://[::]:', '://[::1]:');
  return `ldapsearch -x -H ${host} -b '${suffix}' '(|(cn=*mül*)(sn=*mül*))' cn telephoneNumber mobile`;
}
