/** A problem found in config data before it has a place in the file: where in the data, and what. */

/** A place in the config: object keys and array indexes from the top. */
export type ConfigPath = readonly (string | number)[];

export interface Problem {
  readonly at: ConfigPath;
  readonly message: string;
}
