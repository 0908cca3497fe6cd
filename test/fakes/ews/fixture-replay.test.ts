/**
 * The captured requests in fixtures/, replayed against the fake seeded with the records behind them,
 * must get the captured responses back byte for byte.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EwsFake } from './ews-fake.js';
import { basicAuthorization, closeAgent, envelope, postSoap } from './raw-soap.js';
import { FIXTURE_ACCOUNT, seedFixtures } from './seed/fixture-seed.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

let fake: EwsFake;
const authorization = basicAuthorization(FIXTURE_ACCOUNT.signIn, FIXTURE_ACCOUNT.password);

beforeAll(async () => {
  fake = await EwsFake.start();
  seedFixtures(fake);
});

afterAll(async () => {
  await closeAgent(fake);
  await fake.close();
});

describe('captured exchanges replayed', () => {
  it.each([
    ['getfolder-contacts.request.xml', 'getfolder-contacts.response.xml'],
    ['finditem-contacts-page1.request.xml', 'finditem-contacts-page1.response.xml'],
    ['finditem-contacts-page2.request.xml', 'finditem-contacts-page2.response.xml'],
    ['finditem-contacts-indexedprops.request.xml', 'finditem-contacts-indexedprops.response.xml'],
    ['getitem-contacts.request.xml', 'getitem-contacts.response.xml'],
    ['resolvenames-gal.request.xml', 'resolvenames-gal.response.xml'],
  ])('%s answers %s', async (request, response) => {
    const answer = await postSoap(fake, fixture(request), { authorization });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('text/xml; charset=utf-8');
    expect(answer.body).toBe(fixture(response));
  });

  it.each([
    ['alice', 'resolvenames-single.response.xml'],
    ['zzz', 'resolvenames-noresults.response.xml'],
  ])('ResolveNames %s answers %s', async (entry, response) => {
    const request = fixture('resolvenames-gal.request.xml').replace('>al<', `>${entry}<`);
    const answer = await postSoap(fake, request, { authorization });
    expect(answer.body).toBe(fixture(response));
  });

  it('an injected ErrorServerBusy is the captured fault, with HTTP 500', async () => {
    fake.faults.inject({ kind: 'server-busy', backOffMilliseconds: 1234 });
    const answer = await postSoap(fake, fixture('getfolder-contacts.request.xml'), { authorization });
    expect(answer.status).toBe(500);
    expect(answer.body).toBe(fixture('fault-serverbusy.response.xml'));
  });

  it('the AQS and restriction requests find Carol only', async () => {
    for (const request of [
      'finditem-contacts-aqs.request.xml',
      'finditem-contacts-restriction.request.xml',
    ]) {
      const answer = await postSoap(fake, fixture(request), { authorization });
      expect(answer.body).toContain(
        '<m:RootFolder IndexedPagingOffset="1" TotalItemsInView="1" IncludesLastItemInRange="true">',
      );
      expect(answer.body).toContain('<t:DisplayName>Carol Client</t:DisplayName>');
    }
  });

  it('the impersonation request is refused for an account without the role', async () => {
    const answer = await postSoap(fake, fixture('getfolder-impersonation-oauth.request.xml'), {
      authorization,
    });
    expect(answer.status).toBe(500);
    expect(answer.body).toContain(
      '<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorImpersonateUserDenied</faultcode>',
    );
  });

  it('a body that is not SOAP is ErrorInvalidRequest', async () => {
    const answer = await postSoap(fake, '<nope', { authorization });
    expect(answer.status).toBe(500);
    expect(answer.body).toContain('a:ErrorInvalidRequest');
    expect(envelope('')).toContain('soap:Body');
  });
});
