/** What makes a view unusable, and that every shipped view is usable. */
import { describe, expect, it } from 'vitest';
import { Schema } from '../../src/schema/schema.js';
import { SHIPPED_VIEWS } from '../../src/view/shipped-views.js';
import { viewProblems } from '../../src/view/view-problems.js';

const schema = Schema.load();

function messages(definition: Record<string, string>): string[] {
  return viewProblems(definition, schema).map((p) => `${p.clientName}: ${p.message}`);
}

describe('view problems', () => {
  it.each(Object.entries(SHIPPED_VIEWS))('the shipped view %s has none', (_name, definition) => {
    expect(messages(definition)).toEqual([]);
  });

  it('accepts swaps, new names, alias spellings and names left as they are', () => {
    expect(messages({ telephoneNumber: 'ipPhone', ipPhone: 'telephoneNumber' })).toEqual([]);
    expect(messages({ extension: 'ipPhone', surname: 'sn', mail: 'mail' })).toEqual([]);
    expect(messages({ a: 'ou', ou: 'department', department: 'title', title: 'a' })).toEqual([
      "title: no presented attribute 'a' (see the schema: cn=Subschema)",
    ]);
    // A three-way rotation leaves nothing hidden.
    expect(messages({ ou: 'department', department: 'title', title: 'ou' })).toEqual([]);
  });

  it('refuses an unknown presented attribute', () => {
    expect(messages({ extension: 'extension' })).toEqual([
      "extension: no presented attribute 'extension' (see the schema: cn=Subschema)",
    ]);
  });

  it('refuses two names for one presented attribute, however spelled', () => {
    expect(messages({ extension: 'ipPhone', phone: '1.2.840.113556.1.4.721' })).toEqual([
      "phone: 'phone' and 'extension' both show presented 'ipPhone'",
    ]);
  });

  it('refuses a name that hides a presented attribute left visible, alias or case alike', () => {
    expect(messages({ ou: 'department' })).toHaveLength(1);
    expect(messages({ organizationalUnitName: 'department' })).toHaveLength(1);
    expect(messages({ TELEPHONENUMBER: 'ipPhone' })[0]).toMatch(
      /^TELEPHONENUMBER: 'TELEPHONENUMBER' is also the presented attribute 'telephoneNumber'/,
    );
    expect(messages({ entryUUID: 'cn', cn: 'sn', sn: 'cn' })).toEqual([
      "sn: 'sn' and 'entryUUID' both show presented 'cn'",
      "entryUUID: 'entryUUID' is also the presented attribute 'entryUUID', which this view leaves visible under that name: show 'entryUUID' under another name too (e.g. cn: entryUUID) or choose another name for 'cn'",
    ]);
  });

  it('refuses every renaming of a password attribute, in either direction and under any spelling', () => {
    const definitions: Record<string, string>[] = [
      { secret: 'userPassword' },
      { sip: '1.3.6.1.4.1.4203.666.11.1.1' },
      { USERPASSWORD: 'wuserPasswordSip', wuserPasswordSip: 'userPassword' },
      { userPassword: 'mail', mail: 'userPassword' },
      { wuserpasswordsip: 'mobile', mobile: 'title', title: 'wuserPasswordSip' },
    ];
    for (const definition of definitions) {
      const found = messages(definition);
      expect(found.length, JSON.stringify(definition)).toBeGreaterThan(0);
      expect(
        found.some((m) => m.includes('password attribute')),
        found.join('\n'),
      ).toBe(true);
    }
    expect(messages({ userPassword: 'userPassword', wuserPasswordSip: 'wuserPasswordSip' })).toEqual([]);
  });

  it('refuses renaming objectClass and operational attributes', () => {
    expect(messages({ kind: 'objectClass' })).toEqual([
      "kind: 'objectClass' cannot be renamed: only user attributes other than objectClass can",
    ]);
    expect(messages({ id: 'entryUUID' })).toHaveLength(1);
    expect(messages({ dn: 'entryDN' })).toHaveLength(1);
  });
});
