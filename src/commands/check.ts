/**
 * `dirbridge check`: each source's "import test" (Source.check(): connect, authenticate, count, two
 * samples), with the samples mapped through the source's map into the entries the directory would
 * present. Sources are mounted one at a time and never loaded whole, so a broken one is reported
 * rather than stopping the others.
 */
import type { Writable } from 'node:stream';
import { Command } from 'commander';
import { mountContext, mountSource, sourceFactories, type MountContext } from '../app.js';
import type { SourceConfig } from '../config/types.js';
import { readHeldNotice, replicaFiles } from '../replica/replica-files.js';
import type { CheckReport, CheckStep } from '../sources/source.js';
import { errorText } from './command-error.js';
import {
  configOption,
  loadCommandConfig,
  selectSources,
  toolLogger,
  type ConfigOptions,
} from './command-setup.js';
import { formatCheckSummary, formatSourceCheck, type SourceCheck } from './check-report.js';
import type { Finish } from './command-error.js';

export interface CheckOptions extends ConfigOptions {
  readonly source?: string;
}

export function checkCommand(finish: Finish): Command {
  return new Command('check')
    .summary('test each source: connect, sign in, count, show two sample entries')
    .description(
      'Runs the "import test" of each source in the config: connects to it, authenticates its ' +
        'service account, counts its records and shows two of them as the directory presents them ' +
        "(through the source's map; passwords withheld). Names the step that failed.",
    )
    .addOption(configOption())
    .option('-s, --source <name>', 'check only this source')
    .addHelpText('after', '\nExit status: 0 every source passed, 1 a source failed, 2 usage error.')
    .action(async (options: CheckOptions) => finish(await check(options)));
}

export async function check(options: CheckOptions, out: Writable = process.stdout): Promise<number> {
  const config = await loadCommandConfig(options.config);
  const chosen = selectSources(config, options.source);
  const context = mountContext(config, toolLogger(config), await sourceFactories(config));
  const checks: SourceCheck[] = [];
  for (const { sourceConfig, where } of chosen) {
    const result = await checkSource(sourceConfig, where, context);
    out.write(formatSourceCheck(result));
    checks.push(result);
  }
  out.write(formatCheckSummary(checks));
  return checks.every((c) => c.report.ok) ? 0 : 1;
}

export async function checkSource(
  sourceConfig: SourceConfig,
  where: string,
  context: MountContext,
): Promise<SourceCheck> {
  const { name, type } = sourceConfig;
  let mount;
  try {
    mount = mountSource(sourceConfig, where, context);
  } catch (error) {
    // A map or mode the source type refuses: the config is what fails.
    return { name, type, report: failedReport(name, 'config', errorText(error)), samples: [] };
  }
  try {
    const report = withHeldSync(
      await runCheck(mount.source.check.bind(mount.source), name),
      await heldSync(sourceConfig, context),
    );
    return { name, type, mode: mount.mode, report, samples: report.samples.map((r) => mount.present(r)) };
  } finally {
    await mount.source.close();
  }
}

/** A sync the running server holds for this source (from the data folder), as a check step. */
async function heldSync(sourceConfig: SourceConfig, context: MountContext): Promise<CheckStep | undefined> {
  const { dataDir } = context.config.directory;
  if (dataDir === undefined) return undefined;
  try {
    const held = await readHeldNotice(replicaFiles(dataDir, sourceConfig.name).held);
    return (
      held && {
        step: 'replica sync',
        ok: true,
        warning: true,
        detail: `${held.message} (held since ${held.since})`,
      }
    );
  } catch (error) {
    return { step: 'replica sync', ok: true, warning: true, detail: errorText(error) };
  }
}

function withHeldSync(report: CheckReport, held: CheckStep | undefined): CheckReport {
  return held ? { ...report, steps: [...report.steps, held] } : report;
}

/** A source's check that throws instead of reporting is reported as a failed step of its own. */
async function runCheck(check: () => Promise<CheckReport>, name: string): Promise<CheckReport> {
  try {
    return await check();
  } catch (error) {
    return failedReport(name, 'check', errorText(error));
  }
}

function failedReport(source: string, step: string, detail: string): CheckReport {
  return { source, ok: false, steps: [{ step, ok: false, detail }], samples: [] };
}
