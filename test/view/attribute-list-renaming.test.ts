/** A search's requested attributes in presented names. */
import { describe, expect, it } from 'vitest';
import { Schema } from '../../src/schema/schema.js';
import { NO_ATTRIBUTE, presentedAttributes } from '../../src/view/attribute-list-renaming.js';
import { PresentedView } from '../../src/view/presented-view.js';
import { SHIPPED_VIEWS } from '../../src/view/shipped-views.js';

const schema = Schema.load();
const seedAd = new PresentedView('seed-ad', SHIPPED_VIEWS['seed-ad']!, schema);
const office365 = new PresentedView('seed-office365', SHIPPED_VIEWS['seed-office365']!, schema);

describe('attribute list renaming', () => {
  it('renames each name, swaps included, in any spelling', () => {
    expect(presentedAttributes(['cn', 'telephoneNumber', 'IPPHONE', '2.5.4.20;x'], seedAd)).toEqual([
      'cn',
      'ipPhone',
      'telephoneNumber',
      'ipPhone;x',
    ]);
  });

  it('keeps *, +, 1.1 and the empty list as they are, the same array when nothing is renamed', () => {
    for (const list of [[], ['*'], ['+'], ['1.1'], ['*', '+', 'entryUUID'], ['cn', 'mail']])
      expect(presentedAttributes(list, seedAd)).toBe(list);
  });

  it('turns a renamed-away name into one that asks for nothing, never into an emptied list', () => {
    expect(presentedAttributes(['title'], office365)).toEqual([NO_ATTRIBUTE]);
    expect(presentedAttributes(['jobTitle', 'title', '1.1'], office365)).toEqual([
      'title',
      NO_ATTRIBUTE,
      '1.1',
    ]);
    expect(schema.attribute(NO_ATTRIBUTE)).toBeUndefined();
  });
});
