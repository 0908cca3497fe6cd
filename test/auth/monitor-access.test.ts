import { describe, expect, it } from 'vitest';
import { ANONYMOUS, type Identity } from '../../src/auth/identity.js';
import { mayReadMonitor } from '../../src/auth/monitor-access.js';

describe('who may read cn=Monitor', () => {
  it('not anonymous binds', () => {
    expect(mayReadMonitor(ANONYMOUS)).toBe(false);
  });

  it('service accounts', () => {
    const pbx: Identity = { kind: 'account', account: 'pbx', bindName: 'pbx', authzId: 'u:pbx' };
    expect(mayReadMonitor(pbx)).toBe(true);
  });
});
