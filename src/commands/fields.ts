/**
 * `dirbridge fields`: the "available fields" of each source (Source.fields()) and which presented
 * attribute each fills under the current map, to write or check a `map` against.
 */
import type { Writable } from 'node:stream';
import { Command } from 'commander';
import { mountContext, mountSource, sourceFactories } from '../app.js';
import { SourceError } from '../sources/source.js';
import { errorText } from './command-error.js';
import {
  configOption,
  loadCommandConfig,
  selectSources,
  toolLogger,
  type ConfigOptions,
} from './command-setup.js';
import { formatSourceFields } from './fields-report.js';
import type { Finish } from './command-error.js';

export interface FieldsOptions extends ConfigOptions {
  readonly source?: string;
}

export function fieldsCommand(finish: Finish): Command {
  return new Command('fields')
    .summary("list each source's fields and the attribute each fills")
    .description(
      'Lists the fields each source offers (its own names), the presented attribute each fills under ' +
        'the current map, and map entries that name a field the source does not have.',
    )
    .addOption(configOption())
    .option('-s, --source <name>', 'list only this source')
    .addHelpText('after', '\nExit status: 0 done, 1 a source could not be read, 2 usage error.')
    .action(async (options: FieldsOptions) => finish(await fields(options)));
}

export async function fields(
  options: FieldsOptions,
  out: Writable = process.stdout,
  err: Writable = process.stderr,
): Promise<number> {
  const config = await loadCommandConfig(options.config);
  const context = mountContext(config, toolLogger(config), await sourceFactories(config));
  let failed = 0;
  for (const { sourceConfig, where } of selectSources(config, options.source)) {
    try {
      const mount = mountSource(sourceConfig, where, context);
      try {
        const offered = await mount.source.fields();
        out.write(
          formatSourceFields({ name: mount.name, type: sourceConfig.type, fields: offered, map: mount.map }),
        );
      } finally {
        await mount.source.close();
      }
    } catch (error) {
      failed++;
      // A SourceError names its source already.
      const text =
        error instanceof SourceError ? error.message : `source ${sourceConfig.name}: ${errorText(error)}`;
      err.write(`dirbridge: ${text}\n`);
    }
  }
  return failed === 0 ? 0 : 1;
}
