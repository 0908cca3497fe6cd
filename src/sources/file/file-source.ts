/**
 * The file source: a CSV or LDIF phonebook on disk. It has no query language, so `search` reads the
 * file and returns every record, and the directory picks the matches. It keeps no copy: the replica
 * engine holds the only one, and applies each new version of the file as a difference. Once
 * something subscribes to `onChange` (a replica), the file is watched and followers are told when it
 * changes on disk; a version that cannot be read fails the replica's round, which keeps its copy.
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
import { fileRecords } from './file-records.js';
import { FileWatcher, type FileWatcherOptions } from './file-watcher.js';
import type { ParseProblem } from './parsed-file.js';
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
  #closed = false;
  readonly #listeners = new Set<() => void>();
  #watcher: FileWatcher | undefined;
  /** Problems already logged, so a file read again with the same bad rows is not logged again. */
  #loggedProblems = '';

  constructor(
    readonly settings: FileSourceSettings,
    private readonly logger?: FileSourceLogger,
    private readonly watchOptions?: FileWatcherOptions,
  ) {
    this.name = settings.name;
    this.kind = settings.kind;
  }

  /**
   * Reads and parses the file now (the copy a replica keeps is the only one: the source keeps none).
   * Bad rows are logged once and skipped; a file that cannot be read or parsed throws.
   */
  async read(): Promise<FileSnapshot> {
    this.#assertOpen();
    const snapshot = await loadFileSnapshot(this.settings);
    this.#logProblems(snapshot.problems);
    return snapshot;
  }

  /** Also starts watching the file: only a source someone follows needs to (one-off tools never do). */
  onChange(listener: () => void): void {
    this.#assertOpen();
    this.#listeners.add(listener);
    if (this.#watcher) return;
    this.#watcher = new FileWatcher(this.settings.path, () => this.#changed(), this.watchOptions);
    void this.#watcher.start();
  }

  #changed(): void {
    if (this.#closed) return;
    for (const listener of this.#listeners) listener();
  }

  async fields(): Promise<FieldInfo[]> {
    return [...(await this.read()).fields];
  }

  /**
   * Every record, in file order, read from the file now: no filter is evaluated here (the
   * directory's evaluator decides), so the query asks nothing of the file.
   */
  async *search(_query: SourceQuery, signal: AbortSignal): AsyncIterable<SourceRecord> {
    this.#assertOpen();
    const problems: ParseProblem[] = [];
    for await (const record of fileRecords(this.settings, problems)) {
      signal.throwIfAborted();
      yield record;
    }
    this.#logProblems(problems);
  }

  async get(id: string, signal: AbortSignal): Promise<SourceRecord | undefined> {
    const { byId } = await this.read();
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
    this.#listeners.clear();
    return Promise.resolve();
  }

  #logProblems(problems: readonly ParseProblem[]): void {
    const seen = problems.map(({ line, message }) => `${line}:${message}`).join('\n');
    if (!this.logger || seen === this.#loggedProblems) return;
    this.#loggedProblems = seen;
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
