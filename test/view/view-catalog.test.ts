/** Which view a caller gets: its account's, else its listener's, else none. */
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, type Identity } from '../../src/auth/identity.js';
import type { AccountConfig } from '../../src/config/types.js';
import { Schema } from '../../src/schema/schema.js';
import { ViewCatalog } from '../../src/view/view-catalog.js';

const schema = Schema.load();

function account(name: string, view?: string): AccountConfig {
  return { name, passwordHash: 'x', read: 'all', sensitive: [], ...(view === undefined ? {} : { view }) };
}

function as(name: string): Identity {
  return { kind: 'account', account: name, bindName: name, authzId: `u:${name}` };
}

const catalog = new ViewCatalog(
  {
    views: { mine: { extension: 'ipPhone' } },
    listen: [{ url: 'ldap://127.0.0.1:1389' }, { url: 'ldap://127.0.0.1:1390', view: 'seed-domino' }],
    access: {
      accounts: [
        account('pbx', 'seed-ad'),
        account('Wildix', 'mine'),
        account('plain', 'presented'),
        account('phones'),
      ],
    },
  },
  schema,
);

describe('view catalog', () => {
  it('gives an account its view, whatever the listener, and compiles each view once', () => {
    expect(catalog.viewFor(as('pbx'), 0)?.name).toBe('seed-ad');
    expect(catalog.viewFor(as('PBX'), 1)?.name).toBe('seed-ad');
    expect(catalog.viewFor(as('wildix'), undefined)?.name).toBe('mine');
    expect(catalog.viewFor(as('pbx'), 0)).toBe(catalog.viewFor(as('pbx'), 1));
  });

  it("gives others the listener's view; `presented` opts an account out of it", () => {
    expect(catalog.viewFor(as('phones'), 0)).toBeUndefined();
    expect(catalog.viewFor(as('phones'), 1)?.name).toBe('seed-domino');
    expect(catalog.viewFor(ANONYMOUS, 1)?.name).toBe('seed-domino');
    expect(catalog.viewFor({ kind: 'user', source: 'ad', bindName: 'a@b', authzId: 'u:a@b' }, 1)?.name).toBe(
      'seed-domino',
    );
    expect(catalog.viewFor(as('plain'), 1)).toBeUndefined();
  });

  it('has no view for anyone when none is configured', () => {
    const none = new ViewCatalog(
      { listen: [{ url: 'ldap://127.0.0.1:1389' }], access: { accounts: [account('pbx')] } },
      schema,
    );
    expect(none.viewFor(as('pbx'), 0)).toBeUndefined();
  });
});
