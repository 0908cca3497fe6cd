/** A search entry's attributes in the client's names. */
import { describe, expect, it } from 'vitest';
import type { SelectedAttribute } from '../../src/directory/attribute-selection.js';
import { Schema } from '../../src/schema/schema.js';
import { clientAttributes } from '../../src/view/entry-renaming.js';
import { PresentedView } from '../../src/view/presented-view.js';
import { SHIPPED_VIEWS } from '../../src/view/shipped-views.js';

const schema = Schema.load();
const view = (name: string): PresentedView => new PresentedView(name, SHIPPED_VIEWS[name]!, schema);

describe('entry renaming', () => {
  it('swaps without collapsing: both attributes kept, each under the other name, values untouched', () => {
    const attributes: SelectedAttribute[] = [
      { type: 'cn', values: ['Anna'] },
      { type: 'telephoneNumber', values: ['+49 30 1234567'] },
      { type: 'ipPhone', values: ['200'] },
    ];
    expect(clientAttributes(attributes, view('seed-ad'))).toEqual([
      { type: 'cn', values: ['Anna'] },
      { type: 'ipPhone', values: ['+49 30 1234567'] },
      { type: 'telephoneNumber', values: ['200'] },
    ]);
    expect(attributes[1]).toEqual({ type: 'telephoneNumber', values: ['+49 30 1234567'] });
  });

  it('renames types only (typesOnly) and the department/ou swap of seed-domino', () => {
    const attributes: SelectedAttribute[] = [
      { type: 'department', values: [] },
      { type: 'ou', values: [] },
    ];
    expect(clientAttributes(attributes, view('seed-domino'))).toEqual([
      { type: 'ou', values: [] },
      { type: 'department', values: [] },
    ]);
  });

  it('spells names as the view does', () => {
    const out = clientAttributes(
      [
        { type: 'sn', values: ['Meier'] },
        { type: 'mobile', values: ['0170'] },
      ],
      view('seed-office365'),
    );
    expect(out.map((a) => a.type)).toEqual(['surname', 'mobilePhone']);
  });

  it('returns the same array when nothing is renamed, and never renames a password attribute', () => {
    const attributes: SelectedAttribute[] = [
      { type: 'cn', values: ['Anna'] },
      { type: 'userPassword', values: ['x'] },
      { type: 'entryUUID', values: ['u'] },
    ];
    for (const name of Object.keys(SHIPPED_VIEWS))
      expect(clientAttributes(attributes, view(name))).toBe(attributes);
  });
});
