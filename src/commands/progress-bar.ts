/**
 * A one-line progress bar on stderr while a long command works, redrawn at most ten times a second;
 * nothing at all when stderr is not a terminal, so logs and pipes stay clean. Written here rather
 * than taken from a package: it is a few lines, and the candidates are barely maintained.
 */

export interface Progress {
  /** A line to show while there is nothing to count yet ("loading the sources"). */
  note(text: string): void;
  /** How many items to expect, when known (else the bar just counts). */
  expect(total: number | undefined): void;
  /** `count` more items done. */
  tick(count?: number): void;
  /** Clears the bar and, on a terminal, leaves `summary` in its place. */
  done(summary?: string): void;
}

/** Where the bar is drawn: stderr, whose `isTTY` is true only on a terminal. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

const REDRAW_MS = 100;
const BAR_WIDTH = 30;
const CLEAR_LINE = '\r\x1b[K';

const SILENT: Progress = {
  note: () => undefined,
  expect: () => undefined,
  tick: () => undefined,
  done: () => undefined,
};

export function progressBar(label: string, stream: ProgressStream = process.stderr): Progress {
  if (stream.isTTY !== true) return SILENT;
  let count = 0;
  let total: number | undefined;
  let drawn = 0;
  const draw = (line: string): void => {
    stream.write(`${CLEAR_LINE}${line}`);
    drawn = Date.now();
  };
  return {
    note: (text) => draw(`${label}  ${text}`),
    expect(expected) {
      total = expected;
    },
    tick(more = 1) {
      count += more;
      if (Date.now() - drawn >= REDRAW_MS) draw(renderProgress(label, count, total));
    },
    done(summary) {
      stream.write(summary === undefined ? CLEAR_LINE : `${CLEAR_LINE}${summary}\n`);
    },
  };
}

/** `export  [#########---------------------]  30%  300/1000` or, without a total, `export  300`. */
export function renderProgress(label: string, count: number, total: number | undefined): string {
  if (total === undefined || total <= 0) return `${label}  ${count}`;
  const share = Math.min(count / total, 1);
  const filled = Math.round(share * BAR_WIDTH);
  const bar = `${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}`;
  return `${label}  [${bar}] ${String(Math.floor(share * 100)).padStart(3)}%  ${count}/${total}`;
}
