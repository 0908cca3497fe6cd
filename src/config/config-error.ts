/** A config that cannot be used: every problem names the file, where in it, and what is wrong. */

export interface ConfigProblem {
  /** Readable path inside the config (`sources[0].path`); empty for the file as a whole. */
  readonly path: string;
  readonly message: string;
  /** 1-based position in the file, when known. */
  readonly line?: number;
  readonly column?: number;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly ConfigProblem[],
    options?: ErrorOptions,
  ) {
    super(problems.map((problem) => formatProblem(file, problem)).join('\n'), options);
    this.name = 'ConfigError';
  }
}

/** `config/x.yaml: directory.sizeLimit: must be >= 1 (line 3)`: one line per problem. */
export function formatProblem(file: string, problem: ConfigProblem): string {
  const where = problem.path === '' ? '' : `${problem.path}: `;
  return `${file}: ${where}${problem.message}${formatPosition(problem)}`;
}

function formatPosition({ line, column }: ConfigProblem): string {
  if (line === undefined) return '';
  return column === undefined ? ` (line ${line})` : ` (line ${line}, column ${column})`;
}
