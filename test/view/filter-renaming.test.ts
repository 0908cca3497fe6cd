/** A client's filter in presented names: every shape, swaps, renamed-away names, untouched filters. */
import { describe, expect, it } from 'vitest';
import type { Filter } from '../../src/filter/ast.js';
import { formatFilter } from '../../src/filter/format.js';
import { parseFilter } from '../../src/filter/parse.js';
import { Schema } from '../../src/schema/schema.js';
import { presentedFilter } from '../../src/view/filter-renaming.js';
import { PresentedView } from '../../src/view/presented-view.js';
import { SHIPPED_VIEWS } from '../../src/view/shipped-views.js';

const schema = Schema.load();
const seedAd = new PresentedView('seed-ad', SHIPPED_VIEWS['seed-ad']!, schema);
const office365 = new PresentedView('seed-office365', SHIPPED_VIEWS['seed-office365']!, schema);

function renamed(text: string, view = seedAd): string {
  return formatFilter(presentedFilter(parseFilter(text), view));
}

describe('filter renaming', () => {
  it.each([
    ['equality', '(telephoneNumber=200)', '(ipPhone=200)'],
    ['substrings', '(telephoneNumber=*20*0)', '(ipPhone=*20*0)'],
    ['presence', '(telephoneNumber=*)', '(ipPhone=*)'],
    ['approx', '(ipPhone~=0301234)', '(telephoneNumber~=0301234)'],
    ['greater or equal', '(telephoneNumber>=100)', '(ipPhone>=100)'],
    ['less or equal', '(telephoneNumber<=100)', '(ipPhone<=100)'],
    ['extensible with an attribute', '(telephoneNumber:2.5.13.20:=200)', '(ipPhone:2.5.13.20:=200)'],
    ['extensible with :dn:', '(telephoneNumber:dn:=200)', '(ipPhone:dn:=200)'],
    ['extensible without an attribute', '(:2.5.13.17:=200)', '(:2.5.13.17:=200)'],
    ['an alias or OID', '(2.5.4.20=200)', '(ipPhone=200)'],
    ['options', '(telephoneNumber;x-office=200)', '(ipPhone;x-office=200)'],
    ['a swap in one filter', '(|(telephoneNumber=1)(ipPhone=2))', '(|(ipPhone=1)(telephoneNumber=2))'],
    [
      'nested and, or, not',
      '(&(objectClass=user)(!(|(telephoneNumber=1)(&(ipPhone=2)(cn=x)))))',
      '(&(objectClass=user)(!(|(ipPhone=1)(&(telephoneNumber=2)(cn=x)))))',
    ],
  ])('renames %s', (_shape, client, presented) => {
    expect(renamed(client)).toBe(presented);
  });

  it.each([
    ['equality', '(title=boss)'],
    ['substrings', '(title=bo*)'],
    ['presence', '(title=*)'],
    ['approx', '(title~=boss)'],
    ['greater or equal', '(title>=a)'],
    ['less or equal', '(title<=a)'],
    ['extensible', '(title:caseIgnoreMatch:=boss)'],
  ])('makes %s on a renamed-away name absolute false', (_shape, client) => {
    expect(presentedFilter(parseFilter(client), office365)).toEqual({ type: 'or', filters: [] });
  });

  it('folds renamed-away names into the filter: false in or, and, true under not', () => {
    expect(renamed('(!(title=boss))', office365)).toBe('(&)');
    expect(renamed('(|(title=boss)(cn=a*))', office365)).toBe('(cn=a*)');
    expect(renamed('(|(title=boss)(cn=a*)(businessPhones=1))', office365)).toBe('(|(cn=a*)(ipPhone=1))');
    expect(renamed('(&(title=boss)(cn=a*))', office365)).toBe('(|)');
    expect(renamed('(&(!(title=boss))(cn=a*))', office365)).toBe('(cn=a*)');
    expect(renamed('(|(!(title=boss))(cn=a*))', office365)).toBe('(&)');
    expect(renamed('(!(!(title=boss)))', office365)).toBe('(|)');
    expect(renamed('(&(jobTitle=boss)(businessPhones=200))', office365)).toBe('(&(title=boss)(ipPhone=200))');
    // What the client sent as (|) or (&) itself is kept as it is.
    expect(renamed('(|(|)(businessPhones=1))', office365)).toBe('(|(|)(ipPhone=1))');
  });

  it('returns the same filter object when nothing is renamed', () => {
    const filter: Filter = parseFilter(
      '(&(objectClass=user)(|(cn=a*)(mobile=1)(userPassword=x)(:2.5.13.17:=y)))',
    );
    expect(presentedFilter(filter, seedAd)).toBe(filter);
  });

  it('never renames to or from a password attribute', () => {
    expect(renamed('(|(userPassword=x)(wuserPasswordSip=y))')).toBe(
      '(|(userPassword=x)(wuserPasswordSip=y))',
    );
  });
});
