/**
 * What the config needs to know of a source type, and nothing more: its name, its settings (a
 * schema fragment in which each default is written once, for the code to read), which settings
 * are file paths, and the words of the configuration reference. Each source folder's descriptor
 * provides it (src/sources/source-descriptor.ts); config/ never imports sources/.
 */
import type { JsonSchema } from './json-schema.js';

export interface SourceTypeSchema {
  /** The config's `type`. */
  readonly type: string;
  /** One paragraph for the configuration reference: what it connects to, its defaults, its map. */
  readonly description: string;
  /**
   * The type's own settings: `properties` (with `mode`, whose default is the type's default mode),
   * `required` and, where settings exclude each other, `oneOf`. `name`, `type` and `map` are every source's and are added around them.
   */
  readonly settings: {
    readonly properties: Readonly<Record<string, JsonSchema>>;
    readonly required?: readonly string[];
    /**
     * Alternatives of which exactly one must hold, e.g. `[{ required: ['clientSecret'] }, { required:
     * ['certificate'] }]`; `oneOfDescription` words the problem ("configured with exactly one of …").
     */
    readonly oneOf?: readonly JsonSchema[];
    readonly oneOfDescription?: string;
  };
  /** Settings that hold file paths (dotted inside a mapping: `tls.ca`), read from the config file's folder. */
  readonly pathSettings: readonly string[];
}
