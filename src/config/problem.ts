/** A problem found in config data before it has a place in the file: where in the data, and what. */

/** A place in the config: object keys and array indexes from the top. */
export type ConfigPath = readonly (string | number)[];

export interface Problem {
  readonly at: ConfigPath;
  readonly message: string;
}

/** `['sources', 0, 'path']` -> `sources[0].path`; keys that are not plain names are quoted. */
export function formatConfigPath(at: ConfigPath): string {
  return at
    .map((step, index) => {
      if (typeof step === 'number') return `[${step}]`;
      if (!/^[A-Za-z_$][\w$-]*$/.test(step)) return `[${JSON.stringify(step)}]`;
      return index === 0 ? step : `.${step}`;
    })
    .join('');
}
