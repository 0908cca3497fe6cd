import { describe, expect, it } from 'vitest';
import { progressBar, renderProgress } from '../../src/commands/progress-bar.js';

function stream(isTTY: boolean): { isTTY: boolean; written: string[]; write(text: string): boolean } {
  const written: string[] = [];
  return { isTTY, written, write: (text) => written.push(text) > 0 };
}

describe('progress bar', () => {
  it('draws a bar with a share and counts when the total is known', () => {
    expect(renderProgress('export', 300, 1000)).toBe(`export  [#########${'-'.repeat(21)}]  30%  300/1000`);
    expect(renderProgress('export', 1000, 1000)).toBe(`export  [${'#'.repeat(30)}] 100%  1000/1000`);
  });

  it('only counts when the total is unknown', () => {
    expect(renderProgress('export', 42, undefined)).toBe('export  42');
  });

  it('writes nothing when stderr is not a terminal', () => {
    const pipe = stream(false);
    const bar = progressBar('export', pipe);
    bar.note('loading');
    bar.expect(10);
    bar.tick(5);
    bar.done('exported 5 entries');
    expect(pipe.written).toEqual([]);
  });

  it('redraws one line on a terminal, then leaves the summary in its place', () => {
    const tty = stream(true);
    const bar = progressBar('export', tty);
    bar.note('loading the sources...');
    expect(tty.written).toEqual(['\r\x1b[Kexport  loading the sources...']);
    bar.expect(10);
    tty.written.length = 0;
    bar.tick();
    bar.done('exported 1 entries to x.csv');
    expect(tty.written.at(-1)).toBe('\r\x1b[Kexported 1 entries to x.csv\n');
  });
});
