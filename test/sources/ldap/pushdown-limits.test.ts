import { describe, expect, it } from 'vitest';
import { formatFilter } from '../../../src/filter/format.js';
import { parseFilter } from '../../../src/filter/parse.js';
import { PushdownFilter } from '../../../src/sources/ldap/pushdown-filter.js';

/** Domino's limits: names and mail indexed, a leading wildcard dropped by the server. */
const domino = new PushdownFilter({
  phoneFields: ['telephoneNumber', 'OfficePhoneNumber'],
  defaultCountry: 'DE',
  limits: { attributes: ['cn', 'sn', 'mail'], prefixOnly: true },
});

function pushed(filter: string, exactFields?: readonly string[]): string | undefined {
  const translated = domino.translate(parseFilter(filter), exactFields);
  return translated && formatFilter(translated);
}

describe('pushdown within backend limits', () => {
  // Only b f m p q v x have no accented forms, so the examples are spelt with them: accented
  // letters are widened first, as for any LDAP backend (test/sources/ldap/pushdown-filter.test.ts).
  it('sends name and mail conditions as prefixes and equalities', () => {
    expect(pushed('(cn=BMX)')).toBe('(cn=BMX)');
    expect(pushed('(mail=pv@fx)')).toBe('(mail=pv@fx)');
    expect(pushed('(sn=Bx*)')).toBe('(sn=Bx*)');
    expect(pushed('(sn=Br*)')).toBe('(sn=B*)');
  });

  it('never sends a contains condition, which Domino would run as a prefix search', () => {
    expect(pushed('(cn=*br*)')).toBeUndefined();
    expect(pushed('(|(cn=*br*)(sn=*br*))')).toBeUndefined();
    // A start with more after it goes down as the start alone: a superset.
    expect(pushed('(sn=Bx*fx*)')).toBe('(sn=Bx*)');
    expect(pushed('(sn=*x)')).toBeUndefined();
  });

  it('keeps accent widening: muller* goes down as its safe start only', () => {
    expect(pushed('(sn=muller*)')).toBe('(sn=m*)');
  });

  it('sends nothing about attributes Domino does not index, numbers included', () => {
    expect(pushed('(telephoneNumber=+49 30 1234567-10)')).toBeUndefined();
    expect(pushed('(OfficePhoneNumber=*4567*)')).toBeUndefined();
    expect(pushed('(&(cn=Max*)(telephoneNumber=*4567*))')).toBe('(cn=M*)');
    expect(pushed('(|(cn=Max*)(telephoneNumber=*4567*))')).toBeUndefined();
  });

  it('sends mail and login conditions as written, within the limits: equalities, prefixes only', () => {
    const exact = ['mail'];
    expect(pushed('(mail=Anna.Schmidt@Acme.example)', exact)).toBe('(mail=Anna.Schmidt@Acme.example)');
    expect(pushed('(mail=anna.s*)', exact)).toBe('(mail=anna.s*)');
    expect(pushed('(mail=anna*schmidt@*)', exact)).toBe('(mail=anna*)');
    expect(pushed('(mail=*schmidt@acme.example)', exact)).toBeUndefined();
    expect(pushed('(|(mail=anna*)(cn=Bx*))', exact)).toBe('(|(mail=anna*)(cn=Bx*))');
    expect(pushed('(mail=jürgen@acme.example)', exact)).toBe('(mail=j*)');
    // Not indexed by Domino: not sent, exact or not.
    expect(pushed('(userPrincipalName=anna@acme.example)', ['userPrincipalName'])).toBeUndefined();
  });
});
