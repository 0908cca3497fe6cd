/**
 * What an address book search asks ResolveNames: the starts of names in a filter (in the ews
 * source's field names): each askable branch of an OR, the first askable condition of an AND,
 * nothing under a NOT, for "contains" or for fields ResolveNames does not look in; each name once,
 * at most MAX_NAMES.
 */
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/filter/parse.js';
import { MAX_NAMES, namesToResolve } from '../../../src/sources/ews/gal-query.js';

const asked = (filter: string): string[] => namesToResolve(parseFilter(filter));

describe('namesToResolve', () => {
  it('asks the start of a name, an alias or an address', () => {
    expect(asked('(DisplayName=jo*)')).toEqual(['jo']);
    expect(asked('(Surname=Müller)')).toEqual(['Müller']);
    expect(asked('(smtpAddress=alice@contoso.com)')).toEqual(['alice@contoso.com']);
    expect(asked('(Alias=jmu*ller)')).toEqual(['jmu']);
    expect(namesToResolve(undefined)).toEqual([]);
  });

  it('asks nothing for contains, numbers, other fields, presence or negation', () => {
    expect(asked('(DisplayName=*lic*)')).toEqual([]);
    expect(asked('(BusinessPhone=+49 30 1234)')).toEqual([]);
    expect(asked('(CompanyName=Contoso)')).toEqual([]);
    expect(asked('(objectClass=*)')).toEqual([]);
    expect(asked('(!(Surname=Müller))')).toEqual([]);
  });

  it('asks each askable branch of an OR, the first askable condition of an AND', () => {
    expect(asked('(|(DisplayName=jo*)(Surname=jo*)(BusinessPhone=*123*))')).toEqual(['jo']);
    expect(asked('(|(GivenName=ann*)(Surname=ber*))')).toEqual(['ann', 'ber']);
    expect(asked('(&(BusinessPhone=*1*)(Surname=Ab*)(GivenName=Zo*))')).toEqual(['Ab']);
  });

  it('passes hostile text on as text (the library writes it as XML text), each name once, at most MAX_NAMES', () => {
    expect(asked('(DisplayName=<a&b>\\22*)')).toEqual(['<a&b>"']);
    const many = Array.from({ length: 12 }, (_, n) => `(Surname=n${n}*)`).join('');
    expect(asked(`(|${many}(Surname=N0*))`)).toHaveLength(MAX_NAMES);
  });
});
