/**
 * ews-javascript-api takes over a second to load: knowing the source types (every dirbridge command
 * does) and creating an ews source must not load it; the first request does.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const loaded = (): number =>
  Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('ews-javascript-api'))
    .length;

describe('ews-javascript-api', () => {
  it('is loaded on a source first use, not with the registry', async () => {
    const { sourceType } = await import('../../../src/sources/registry.js');
    const create = await sourceType('ews')!.load();
    const source = create(
      {
        name: 'exchange',
        type: 'ews',
        url: 'https://127.0.0.1:9/EWS/Exchange.asmx',
        username: 'CONTOSO\\svc',
        password: 'p',
        timeout: 1,
      },
      { logger: { warn: () => {}, info: () => {}, error: () => {} }, defaultCountry: 'DE' },
    );
    expect(loaded()).toBe(0);
    const report = await source.check();
    expect(report.ok).toBe(false);
    expect(loaded()).toBeGreaterThan(0);
    await source.close();
  });
});
