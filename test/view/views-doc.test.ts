/** docs/views.md's tables of the shipped views say what src/view/shipped-views.ts does. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SHIPPED_VIEWS } from '../../src/view/shipped-views.js';

const DOC = readFileSync(new URL('../../docs/views.md', import.meta.url), 'utf8');

/** The (client name, presented name) rows of the table under `### \`<view>\``. */
function documented(view: string): Record<string, string> {
  const section = DOC.split(`### \`${view}\``)[1]?.split(/\n#{2,3} /)[0] ?? '';
  const rows = section.split('\n').filter((line) => /^\| .*`/.test(line));
  return Object.fromEntries(
    rows.map((row) => {
      const [, , client, presented] = row.split('|').map((cell) => /`([^`]+)`/.exec(cell)?.[1]);
      return [client!, presented!];
    }),
  );
}

describe('docs/views.md', () => {
  it.each(Object.keys(SHIPPED_VIEWS))('documents %s as it is shipped', (view) => {
    expect(documented(view)).toEqual(SHIPPED_VIEWS[view]);
  });
});
