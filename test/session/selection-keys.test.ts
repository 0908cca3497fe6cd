/** keptSelectionKey: the same key selectionKey gives, the same string each time, never one input's for another's. */
import { describe, expect, it } from 'vitest';
import { selectionKey } from '../../src/session/encoded-entries.js';
import { keptSelectionKey } from '../../src/session/selection-keys.js';

const WITHHELD: ReadonlySet<string> = new Set(['userpassword', 'wuserpasswordsip']);

describe('keptSelectionKey', () => {
  it('is selectionKey, and the same string when asked again', () => {
    const attributes = ['cn', 'telephoneNumber', 'mobile'];
    const first = keptSelectionKey(attributes, false, WITHHELD, undefined);
    expect(first).toBe(selectionKey(attributes, false, WITHHELD, undefined));
    expect(keptSelectionKey([...attributes], false, WITHHELD, undefined)).toBe(first);
  });

  it('tells apart what selectionKey tells apart', () => {
    const inputs: [string[], boolean, ReadonlySet<string>, string | undefined][] = [
      [['cn'], false, WITHHELD, undefined],
      [['cn'], true, WITHHELD, undefined],
      [['cn'], false, new Set(), undefined],
      [['cn'], false, WITHHELD, 'snom'],
      [['cn'], false, WITHHELD, ''],
      [['c', 'n'], false, WITHHELD, undefined],
      [['1:cn'], false, WITHHELD, undefined],
      [[], false, WITHHELD, '2:cn'],
      [['cn', ''], false, WITHHELD, undefined],
    ];
    for (const args of inputs) expect(keptSelectionKey(...args)).toBe(selectionKey(...args));
    expect(new Set(inputs.map((args) => keptSelectionKey(...args))).size).toBe(inputs.length);
  });

  it('is selectionKey for a list too long to keep, asked twice', () => {
    const attributes = Array.from({ length: 300 }, (_, i) => `attribute${i}`);
    for (const round of [1, 2])
      expect(keptSelectionKey(attributes, false, WITHHELD, 'snom'), `round ${round}`).toBe(
        selectionKey(attributes, false, WITHHELD, 'snom'),
      );
  });

  it('stays right past the keys it keeps', () => {
    for (let i = 0; i < 1_000; i++) {
      const attributes = [`a${i}`];
      expect(keptSelectionKey(attributes, false, WITHHELD, undefined)).toBe(
        selectionKey(attributes, false, WITHHELD, undefined),
      );
    }
  });
});
