/**
 * The file source: a CSV or LDIF phonebook held in memory. It has no query language, so `search`
 * returns every record and the directory's evaluator picks the matches. A load replaces the whole
 * copy at once, and a failed load leaves the last good copy in place. Once something subscribes to
 * `onChange` (a replica), the file is watched and re-read when it changes on disk.
 */
import { SourceError } from '../source.js';
import type {
  CheckReport,
  CheckStep,
  FieldInfo,
  Source,
  SourceCapabilities,
  SourceKind,
  SourceQuery,
  SourceRecord,
} from '../source.js';
import type { FileFormat, FileSourceSettings } from './file-settings.js';
import { loadFileSnapshot, parseFile, readSourceFile } from './file-snapshot.js';
import type { FileSnapshot } from './file-snapshot.js';
import { FileWatcher, type FileWatcherOptions } from './file-watcher.js';
import { checkReport } from '../check-report.js';

export interface FileSourceLogger {
  warn(obj: object, msg: string): void;
}

const CAPABILITIES: SourceCapabilities = { modes: ['replica'], filterPushdown: false, signOn: false };

/** Bad rows logged one by one at most; beyond, one summary line. */
const LOGGED_PROBLEMS = 20;

export class FileSource implements Source {
  readonly name: string;
  readonly kind: SourceKind;
  readonly capabilities = CAPABILITIES;
  #snapshot: FileSnapshot | undefined;
  #loading: Promise<FileSnapshot> | undefined;
  #closed = false;
  readonly #listeners = new Set<() => void>();
  #watcher: FileWatcher | undefined;
  /** Reloads after a change run one at a time; at most one more waits (it will read the newest file). */
  #reloads: Promise<void> = Promise.resolve();
  #reloadWaiting = false;

  constructor(
    readonly settings: FileSourceSettings,
    private readonly logger?: FileSourceLogger,
    private readonly watchOptions?: FileWatcherOptions,
  ) {
    this.name = settings.name;
    this.kind = settings.kind;
  }

  /** Loads the file if it is not loaded yet; searches do this themselves on first use. */
  async open(): Promise<void> {
    await this.#current();
  }

  /**
   * Reads the file again and swaps the new copy in. On failure the last good copy stays and the
   * error is thrown for the caller to report.
   */
  async reload(): Promise<FileSnapshot> {
    this.#assertOpen();
    const snapshot = await loadFileSnapshot(this.settings);
    this.#install(snapshot);
    for (const listener of this.#listeners) listener();
    return snapshot;
  }

  /** The copy being served, if any. */
  get snapshot(): FileSnapshot | undefined {
    return this.#snapshot;
  }

  /** Also starts watching the file: only a source someone follows needs to (one-off tools never do). */
  onChange(listener: () => void): void {
    this.#assertOpen();
    this.#listeners.add(listener);
    if (this.#watcher) return;
    this.#watcher = new FileWatcher(this.settings.path, () => this.#reloadChanged(), this.watchOptions);
    void this.#watcher.start();
  }

  #reloadChanged(): void {
    if (this.#reloadWaiting) return;
    this.#reloadWaiting = true;
    this.#reloads = this.#reloads.then(() => {
      this.#reloadWaiting = false;
      return this.#tryReload();
    });
  }

  /** A file that cannot be read or parsed any more is reported, and the last good copy stays. */
  async #tryReload(): Promise<void> {
    try {
      await this.reload();
    } catch (error) {
      if (this.#closed) return; // closed meanwhile: nothing to report
      const path = this.settings.path;
      const kept = this.#snapshot
        ? `still serving the ${counted(this.#snapshot.records.length, 'record')} loaded at ${this.#snapshot.loadedAt.toISOString()}`
        : 'nothing loaded yet';
      this.logger?.warn(
        { source: this.name, path, err: errorText(error) },
        `file changed but not reloaded: ${errorText(error)}; ${kept}`,
      );
    }
  }

  async fields(): Promise<FieldInfo[]> {
    return [...(await this.#current()).fields];
  }

  /**
   * Every record, in file order: no filter is evaluated here, and every field is held in memory
   * anyway, so the query asks nothing of the file (the directory's evaluator decides).
   */
  async *search(_query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord> {
    const { records } = await this.#current();
    for (const record of records) {
      signal.throwIfAborted();
      yield record;
    }
  }

  async get(id: string, signal: AbortSignal): Promise<SourceRecord | undefined> {
    const { byId } = await this.#current();
    signal.throwIfAborted();
    return byId.get(id);
  }

  /** The "import test": reads the file afresh, without touching the copy being served. */
  async check(): Promise<CheckReport> {
    const steps: CheckStep[] = [];
    const report = (count?: number, samples?: readonly SourceRecord[]): CheckReport =>
      checkReport(this.name, steps, count, samples);
    let bytes: Buffer;
    try {
      bytes = await readSourceFile(this.settings);
      steps.push({ step: 'read', ok: true, detail: `${bytes.length} bytes from ${this.settings.path}` });
    } catch (error) {
      steps.push({ step: 'read', ok: false, detail: errorText(error) });
      return report();
    }
    let snapshot: FileSnapshot;
    try {
      snapshot = parseFile(bytes, this.settings);
    } catch (error) {
      steps.push({ step: 'parse', ok: false, detail: errorText(error) });
      return report();
    }
    steps.push(parseStep(snapshot, this.settings.format), countStep(snapshot.records));
    return report(snapshot.records.length, snapshot.records.slice(0, 2));
  }

  close(): Promise<void> {
    this.#closed = true;
    this.#watcher?.close();
    this.#watcher = undefined;
    this.#snapshot = undefined;
    this.#loading = undefined;
    this.#listeners.clear();
    return Promise.resolve();
  }

  /** The copy to serve, loading it first if needed (concurrent first searches share one load). */
  async #current(): Promise<FileSnapshot> {
    this.#assertOpen();
    if (this.#snapshot) return this.#snapshot;
    this.#loading ??= loadFileSnapshot(this.settings).finally(() => (this.#loading = undefined));
    const snapshot = await this.#loading;
    this.#install(snapshot);
    return snapshot;
  }

  #install(snapshot: FileSnapshot): void {
    if (this.#closed) return;
    if (this.#snapshot !== snapshot) this.#logProblems(snapshot);
    this.#snapshot = snapshot;
  }

  #logProblems({ problems }: FileSnapshot): void {
    if (!this.logger) return;
    const path = this.settings.path;
    for (const { line, message } of problems.slice(0, LOGGED_PROBLEMS)) {
      this.logger.warn({ source: this.name, path, line }, `${path}:${line}: ${message}`);
    }
    if (problems.length > LOGGED_PROBLEMS) {
      this.logger.warn(
        { source: this.name, path, problems: problems.length },
        `${path}: ${problems.length} problems in all`,
      );
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new SourceError(this.name, 'closed');
  }
}

function parseStep({ records, problems }: FileSnapshot, format: FileFormat): CheckStep {
  const shown = problems.slice(0, 5).map(({ line, message }) => `line ${line}: ${message}`);
  const more = problems.length > shown.length ? `; ${problems.length - shown.length} more` : '';
  const detail =
    problems.length === 0
      ? `${records.length} records read as ${format}`
      : `${records.length} records read as ${format}, ${counted(problems.length, 'problem')}: ${shown.join('; ')}${more}`;
  return { step: 'parse', ok: problems.length === 0, detail };
}

function countStep(records: readonly SourceRecord[]): CheckStep {
  const users = records.filter((record) => record.kind === 'user').length;
  const contacts = records.filter((record) => record.kind === 'contact').length;
  const unknown = records.length - users - contacts;
  const split = `${counted(users, 'user')}, ${counted(contacts, 'contact')}${unknown > 0 ? `, ${unknown} of the source's kind` : ''}`;
  return { step: 'count', ok: records.length > 0, detail: `${counted(records.length, 'record')} (${split})` };
}

function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
