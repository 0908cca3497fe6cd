import { describe, expect, it } from 'vitest';
import { makeEntry } from '../../src/schema/entry.js';
import { FilterEvaluator } from '../../src/directory/evaluator.js';
import { Schema } from '../../src/schema/schema.js';
import { maskWithheld } from '../../src/directory/visibility.js';
import { SENSITIVE_ATTRIBUTES } from '../../src/schema/sensitive-attributes.js';
import { parseFilter } from '../../src/filter/parse.js';

const schema = Schema.load();
const evaluator = new FilterEvaluator(schema, { defaultCountry: 'DE' });
const paula = makeEntry('entryUUID=1,ou=demo,dc=x', [
  { name: 'objectClass', values: ['top', 'person'] },
  { name: 'cn', values: ['Paula People'] },
  { name: 'userPassword', values: ['web-secret'] },
]);

describe('maskWithheld', () => {
  it.each([
    ['(userPassword=web-secret)', false],
    ['(userpassword=web*)', false],
    ['(2.5.4.35=web-secret)', false],
    ['(userPassword=*)', false],
    ['(!(userPassword=nothing))', false],
    ['(|(userPassword=web-secret)(cn=nobody))', false],
    ['(|(userPassword=nothing)(cn=paula*))', true],
    ['(&(cn=paula*)(!(wuserPasswordSip=x)))', false],
    ['(cn=paula*)', true],
  ])('%s matches: %s', (text, expected) => {
    const masked = maskWithheld(parseFilter(text), SENSITIVE_ATTRIBUTES, schema);
    expect(evaluator.matches(masked, paula)).toBe(expected);
  });

  it('leaves filters without withheld attributes untouched (same object)', () => {
    const filter = parseFilter('(&(cn=a*)(|(sn=b)(mail=c)))');
    expect(maskWithheld(filter, SENSITIVE_ATTRIBUTES, schema)).toBe(filter);
  });

  it('masks nothing when nothing is withheld', () => {
    const filter = parseFilter('(userPassword=web-secret)');
    expect(evaluator.matches(maskWithheld(filter, new Set(), schema), paula)).toBe(true);
  });
});
