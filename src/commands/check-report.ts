/**
 * The `check` report as a person reads it: per source, each step of its import test with ok/FAIL,
 * the two sample entries as the directory would present them, and a last line that names the step
 * that failed, plainly, so an operator knows where to look.
 */
import type { Entry } from '../schema/entry.js';
import { SENSITIVE_ATTRIBUTES } from '../schema/sensitive-attributes.js';
import type { CheckReport, CheckStep } from '../sources/source.js';
import { textTable } from './text-table.js';

/** What a sample shows for each value of a sensitive attribute. */
export const WITHHELD = '(withheld)';

export interface SourceCheck {
  readonly name: string;
  readonly type: string;
  readonly mode?: string;
  readonly report: CheckReport;
  /** The report's samples, presented through the source's map. */
  readonly samples: readonly Entry[];
}

export function formatSourceCheck(check: SourceCheck): string {
  const heading = `${check.name} (${[check.type, check.mode].filter(Boolean).join(', ')})\n`;
  const steps = check.report.steps.map((step) => [stepMark(step), step.step, step.detail]);
  const table = steps.length > 0 ? textTable(['', 'STEP', 'RESULT'], steps, '  ') : '';
  const samples = check.samples.map((entry, i) => formatSample(entry, i + 1)).join('');
  return `${heading}${table}${samples}  ${verdict(check.report)}\n\n`;
}

function stepMark(step: CheckStep): string {
  if (!step.ok) return 'FAIL';
  return step.warning ? 'WARN' : 'ok';
}

/** The verdict line: PASSED, or FAILED naming the first step that failed and why. */
export function verdict(report: CheckReport): string {
  const failed = firstFailure(report);
  if (failed) return `FAILED at step "${failed.step}": ${failed.detail}`;
  return report.ok ? 'PASSED' : 'FAILED';
}

export function firstFailure(report: CheckReport): CheckStep | undefined {
  return report.steps.find((step) => !step.ok);
}

/**
 * A sample as `name: value` lines, values shown as they are (this is for reading, not LDIF). The
 * passwords a PBX may import are withheld here as from any reader without the grant (and as export
 * withholds them): the sample shows they are filled, not what they are.
 */
function formatSample(entry: Entry, number: number): string {
  const lines = [`  sample ${number}: ${entry.dn}`];
  for (const { name, values } of entry.attributes.values()) {
    const shown = SENSITIVE_ATTRIBUTES.has(name.toLowerCase()) ? values.map(() => WITHHELD) : values;
    lines.push(`      ${name}: ${shown.join(' | ')}`);
  }
  return `${lines.join('\n')}\n`;
}

export function formatCheckSummary(checks: readonly SourceCheck[]): string {
  const failed = checks.filter((check) => !check.report.ok).map((check) => check.name);
  if (failed.length === 0) return `${counted(checks.length, 'source')} checked: all passed.\n`;
  return `${counted(checks.length, 'source')} checked: ${failed.length} failed (${failed.join(', ')}).\n`;
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
