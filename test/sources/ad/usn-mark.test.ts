/** Which groups the AD change feed polls besides the people: those a `memberOf` condition names. */
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../../src/filter/parse.js';
import { memberOfGroups } from '../../../src/sources/ad/usn-mark.js';

describe('memberOfGroups', () => {
  it('finds the groups of equality and in-chain conditions, anywhere in the filter, once each', () => {
    const filter = parseFilter(
      '(&(objectCategory=person)(|(memberOf=CN=Phones,OU=Groups,DC=example,DC=test)' +
        '(memberOf:1.2.840.113556.1.4.1941:=CN=Sales,DC=example,DC=test))' +
        '(!(MEMBEROF=CN=Phones,OU=Groups,DC=example,DC=test)))',
    );
    expect(memberOfGroups(filter)).toEqual([
      'CN=Phones,OU=Groups,DC=example,DC=test',
      'CN=Sales,DC=example,DC=test',
    ]);
  });

  it('finds none where the filter names no group', () => {
    expect(
      memberOfGroups(parseFilter('(&(objectClass=user)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))')),
    ).toEqual([]);
    expect(memberOfGroups(parseFilter('(memberOf=*)'))).toEqual([]);
  });
});
