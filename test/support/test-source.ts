/**
 * The base of the hand-written sources unit tests mount: name, kind and capabilities from the
 * constructor, and a source that has nothing more to say: no record by id, no fields, a check that
 * passes, nothing to close. A double writes its `search` and overrides only what it does otherwise.
 */
import type {
  CheckReport,
  FieldInfo,
  Source,
  SourceCapabilities,
  SourceKind,
  SourceMode,
  SourceQuery,
  SourceRecord,
} from '../../src/sources/source.js';

export interface TestSourceOptions {
  /** What the source holds (users when absent). */
  readonly kind?: SourceKind;
  /** The one mode it offers (replica when absent). */
  readonly mode?: SourceMode;
  /** Live sources only: whether the source narrows by the pushed-down filter. */
  readonly pushdown?: boolean;
}

export abstract class TestSource implements Source {
  readonly kind: SourceKind;
  readonly capabilities: SourceCapabilities;

  constructor(
    readonly name: string,
    options: TestSourceOptions = {},
  ) {
    this.kind = options.kind ?? 'users';
    this.capabilities = {
      modes: [options.mode ?? 'replica'],
      filterPushdown: options.pushdown ?? false,
      signOn: false,
    };
  }

  abstract search(query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord>;

  /** Declared with the Source's parameters, so that a double's own `get` may take them. */
  get(id: string, signal: AbortSignal): Promise<SourceRecord | undefined>;
  get(): Promise<SourceRecord | undefined> {
    return Promise.resolve(undefined);
  }

  fields(): Promise<FieldInfo[]> {
    return Promise.resolve([]);
  }

  check(): Promise<CheckReport> {
    return Promise.resolve({ source: this.name, ok: true, steps: [], samples: [] });
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
