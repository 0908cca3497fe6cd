/** Builds a source's "import test" report: ok only when every step it took passed. */
import type { CheckReport, CheckStep, SourceRecord } from './source.js';

export function checkReport(
  source: string,
  steps: readonly CheckStep[],
  count?: number,
  samples: readonly SourceRecord[] = [],
): CheckReport {
  return {
    source,
    ok: steps.every((step) => step.ok),
    steps,
    ...(count === undefined ? {} : { count }),
    samples,
  };
}
