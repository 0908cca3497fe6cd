/** One view compiled: client names (any spelling) to presented names, and back. */
import { describe, expect, it } from 'vitest';
import { Schema } from '../../src/schema/schema.js';
import { InvalidViewError, PresentedView, RENAMED_AWAY } from '../../src/view/presented-view.js';
import { SHIPPED_VIEWS } from '../../src/view/shipped-views.js';

const schema = Schema.load();
const seedAd = new PresentedView('seed-ad', SHIPPED_VIEWS['seed-ad']!, schema);
const office365 = new PresentedView('seed-office365', SHIPPED_VIEWS['seed-office365']!, schema);

describe('a presented view', () => {
  it('swaps: each name of a swap stands for the other attribute, both ways', () => {
    expect(seedAd.presented('telephoneNumber')).toBe('ipPhone');
    expect(seedAd.presented('ipPhone')).toBe('telephoneNumber');
    expect(seedAd.client('ipPhone')).toBe('telephoneNumber');
    expect(seedAd.client('telephoneNumber')).toBe('ipPhone');
  });

  it('reads a client name in any case, by alias or OID, and keeps its options', () => {
    expect(seedAd.presented('TELEPHONENUMBER')).toBe('ipPhone');
    expect(seedAd.presented('2.5.4.20')).toBe('ipPhone');
    expect(seedAd.presented('1.2.840.113556.1.4.721')).toBe('telephoneNumber');
    expect(seedAd.presented('telephoneNumber;lang-de')).toBe('ipPhone;lang-de');
  });

  it('leaves what it does not rename alone', () => {
    for (const name of ['cn', 'mobile', 'mail', 'userPassword', 'entryUUID', '*', '+', '1.1', 'unknownThing'])
      expect(seedAd.presented(name), name).toBeUndefined();
    expect(seedAd.client('cn')).toBeUndefined();
    expect(seedAd.client('userPassword')).toBeUndefined();
  });

  it('gives new names, and takes the old ones away (in every spelling)', () => {
    expect(office365.presented('businessPhones')).toBe('ipPhone');
    expect(office365.presented('BUSINESSPHONES')).toBe('ipPhone');
    expect(office365.presented('officeLocation')).toBe('telephoneNumber');
    expect(office365.client('ipPhone')).toBe('businessPhones');
    expect(office365.client('title')).toBe('jobTitle');
    for (const away of ['ipPhone', 'telephoneNumber', '2.5.4.20', 'title', 'mobile', 'mobileTelephoneNumber'])
      expect(office365.presented(away), away).toBe(RENAMED_AWAY);
  });

  it('shows an attribute under the alias the view spells, and reads every spelling of it', () => {
    expect(office365.client('sn')).toBe('surname');
    expect(office365.presented('surname')).toBeUndefined();
    expect(office365.presented('sn')).toBeUndefined();
  });

  it('refuses to compile a view with problems', () => {
    expect(() => new PresentedView('mine', { secret: 'userPassword' }, schema)).toThrow(InvalidViewError);
    expect(() => new PresentedView('mine', { secret: 'userPassword' }, schema)).toThrow(
      /^view mine: secret: /,
    );
  });
});
