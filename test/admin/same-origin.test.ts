/** A POST from the status page itself goes on; one a browser says comes from elsewhere does not. */
import { describe, expect, it } from 'vitest';
import { crossSiteReason } from '../../src/admin/same-origin.js';

const HOST = '127.0.0.1:9389';

describe('cross-site check', () => {
  it('lets the page itself through, over http or through a TLS proxy, and clients that are no browser', () => {
    expect(
      crossSiteReason({ host: HOST, origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' }),
    ).toBeUndefined();
    expect(crossSiteReason({ host: HOST, origin: `https://${HOST}` })).toBeUndefined();
    expect(crossSiteReason({ host: HOST })).toBeUndefined();
  });

  it('refuses what a browser says comes from another site or origin', () => {
    const refused = [
      { host: HOST, 'sec-fetch-site': 'cross-site' },
      { host: HOST, 'sec-fetch-site': 'same-site', origin: `http://${HOST}` },
      { host: HOST, 'sec-fetch-site': 'none' },
      { host: HOST, origin: 'http://127.0.0.1:9390' },
      { host: HOST, origin: `http://${HOST}.evil.example` },
      { host: HOST, origin: 'null' },
      { origin: `http://${HOST}` },
    ];
    for (const headers of refused)
      expect(crossSiteReason(headers)).toMatch(/^a form from another (site|origin)/);
  });
});
