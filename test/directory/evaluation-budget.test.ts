/**
 * The filter work one search may do: each filter item tested against an entry counts one, an
 * extensible match without an attribute once per attribute it visits, and a spent budget ends the
 * search with adminLimitExceeded. Phone filters and a PBX's paged import stay far below the default.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DirectoryError } from '../../src/directory/directory-error.js';
import { makeEntry, type Entry } from '../../src/schema/entry.js';
import { EvaluationBudget } from '../../src/directory/evaluation-budget.js';
import { FilterEvaluator } from '../../src/directory/evaluator.js';
import { Schema } from '../../src/schema/schema.js';
import { parseFilter } from '../../src/filter/parse.js';

const schema = Schema.load();
const evaluator = new FilterEvaluator(schema, { defaultCountry: 'DE' });
/** limits.maxFilterEvaluations by default, as the config schema writes it. */
const DEFAULT_BUDGET = (
  JSON.parse(readFileSync(new URL('../../schemas/config.schema.json', import.meta.url), 'utf8')) as {
    properties: { limits: { properties: { maxFilterEvaluations: { default: number } } } };
  }
).properties.limits.properties.maxFilterEvaluations.default;

function person(i: number): Entry {
  return makeEntry(`entryUUID=${i},ou=people,dc=dirbridge,dc=local`, [
    { name: 'objectClass', values: ['top', 'person', 'organizationalPerson', 'inetOrgPerson', 'user'] },
    { name: 'cn', values: [`Person ${i}`] },
    { name: 'sn', values: [`Surname${i}`] },
    { name: 'telephoneNumber', values: [`+49 30 ${1_000_000 + i}`] },
    { name: 'mail', values: [`p${i}@example.com`] },
  ]);
}

/** The evaluations one filter costs over `entries`. */
function cost(filter: string, entries: readonly Entry[], limit = Number.POSITIVE_INFINITY): number {
  const budget = new EvaluationBudget(limit);
  const matches = evaluator.predicate(parseFilter(filter), { budget });
  for (const entry of entries) matches(entry);
  return budget.used;
}

describe('EvaluationBudget', () => {
  const one = [person(1)];

  it('counts each filter item tested, stopping where AND and OR stop', () => {
    expect(cost('(cn=Person 1)', one)).toBe(1);
    expect(cost('(|(cn=nobody)(sn=nobody)(mail=nobody))', one)).toBe(3);
    // OR stops at its first TRUE, AND at its first FALSE.
    expect(cost('(|(cn=Person 1)(sn=nobody)(mail=nobody))', one)).toBe(1);
    expect(cost('(&(cn=nobody)(sn=nobody))', one)).toBe(1);
    expect(cost('(!(objectClass=*))', one)).toBe(1);
  });

  it('counts an extensible match without an attribute once per attribute and DN value it visits', () => {
    // Five attributes; with :dn:, the DN's entryUUID, ou and two dc values as well.
    expect(cost('(:caseIgnoreMatch:=nobody)', one)).toBe(5);
    expect(cost('(:dn:caseIgnoreMatch:=nobody)', one)).toBe(5 + 3);
  });

  it('ends the search with adminLimitExceeded once spent, naming the setting', () => {
    const entries = Array.from({ length: 100 }, (_, i) => person(i));
    const matches = evaluator.predicate(parseFilter('(|(cn=a)(sn=b))'), {
      budget: new EvaluationBudget(150),
    });
    const run = (): void => entries.forEach((entry) => matches(entry));
    expect(run).toThrow(DirectoryError);
    expect(run).toThrow(/limits\.maxFilterEvaluations/);
    try {
      run();
    } catch (error) {
      expect((error as DirectoryError).code).toBe('adminLimitExceeded');
    }
  });

  it('starts afresh for each page', () => {
    const budget = new EvaluationBudget(10);
    const matches = evaluator.predicate(parseFilter('(cn=x)'), { budget });
    for (let page = 0; page < 5; page++) {
      budget.reset();
      for (let i = 0; i < 10; i++) matches(person(i));
    }
    expect(budget.used).toBe(10);
  });

  it('leaves phone lookups and a 10-term import of 100,000 people far below the default', () => {
    const entries = Array.from({ length: 100_000 }, (_, i) => person(i));
    // DOMAIN.md, "What phones send": scanned over every entry, the worst case of any page.
    const phoneFilters = [
      '(|(cn=*anna*)(sn=*anna*))',
      '(|(cn=anna*)(o=anna*))',
      '(|(telephoneNumber=*1234*)(mobile=*1234*)(ipPhone=*1234*))',
      '(|(telephoneNumber=1234*)(mobile=1234*)(homePhone=1234*))',
      '(sn=*anna*)',
    ];
    for (const filter of phoneFilters)
      expect(cost(filter, entries), filter).toBeLessThanOrEqual(DEFAULT_BUDGET / 6);
    // A PBX import filter of ten terms that matches nobody: every term of every entry tested.
    const terms = Array.from({ length: 10 }, (_, i) => `(department=nobody-${i})`).join('');
    const importCost = cost(`(|${terms})`, entries);
    expect(importCost).toBe(1_000_000);
    expect(importCost).toBeLessThanOrEqual(DEFAULT_BUDGET / 2);
  }, 60_000);
});
