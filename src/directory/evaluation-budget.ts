/**
 * How much filter work one operation may do (`limits.maxFilterEvaluations`): every test of a filter
 * item against an entry counts one, and an extensible match without an attribute counts once per
 * attribute it visits. A filter a client built to be expensive (thousands of attribute-less
 * extensible matches ORed together) then costs that client an adminLimitExceeded, not the server
 * seconds of CPU. Paged searches get the budget afresh for each page.
 */
import { DirectoryError } from './directory-error.js';

export class EvaluationBudget {
  /** Filter items tested so far; the evaluator's leaves add to it directly (one increment each). */
  used = 0;

  constructor(readonly limit: number) {}

  /** A budget nothing exhausts, for callers that set no limit (the CLI, tests). */
  static unlimited(): EvaluationBudget {
    return new EvaluationBudget(Number.POSITIVE_INFINITY);
  }

  /** Starts a new page of a paged search: the limit is per page. */
  reset(): void {
    this.used = 0;
  }

  /** Throws adminLimitExceeded once the work done passes the limit. */
  check(): void {
    if (this.used > this.limit) {
      throw new DirectoryError(
        'adminLimitExceeded',
        `filter too expensive: more than ${this.limit} filter item evaluations in one operation (limits.maxFilterEvaluations)`,
      );
    }
  }
}
