/** The google source's settings: the service account's JSON key read and checked, never quoted. */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createGoogleSource } from '../../../src/sources/google/index.js';
import { loadTestConfig } from '../../support/load-test-config.js';

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY = {
  type: 'service_account',
  project_id: 'p',
  private_key_id: 'k1',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  client_email: 'dirbridge@p.iam.gserviceaccount.com',
  client_id: '1234567890',
  token_uri: 'https://oauth2.googleapis.com/token',
};

function create(overrides: Record<string, unknown>): () => unknown {
  return () =>
    createGoogleSource({
      name: 'workspace',
      type: 'google',
      serviceAccountKey: JSON.stringify(KEY),
      adminEmail: 'admin@example.com',
      ...overrides,
    });
}

describe('google settings', () => {
  it('reads the key, defaults the rest, and takes tokenUrl over the key token_uri', () => {
    const source = createGoogleSource({
      name: 'workspace',
      type: 'google',
      serviceAccountKey: JSON.stringify(KEY),
      adminEmail: 'admin@example.com',
    });
    expect(source.settings).toMatchObject({
      credential: {
        kind: 'serviceAccount',
        adminEmail: 'admin@example.com',
        tokenUrl: 'https://oauth2.googleapis.com/token',
      },
      otherContacts: false,
      rootUrl: 'https://people.googleapis.com/',
      changeIntervalMs: 60_000,
      timeoutMs: 30_000,
    });
    expect(source.kind).toBe('both');
    const proxied = create({ tokenUrl: 'http://127.0.0.1:9/token', rootUrl: 'http://127.0.0.1:9' })() as {
      settings: { credential: { tokenUrl: string }; rootUrl: string };
    };
    expect(proxied.settings.credential.tokenUrl).toBe('http://127.0.0.1:9/token');
    expect(proxied.settings.rootUrl).toBe('http://127.0.0.1:9/');
  });

  it('refuses a key that is not a service account key, without quoting it', () => {
    expect(create({ serviceAccountKey: 'not json {secret}' })).toThrow(/serviceAccountKey is not JSON/);
    expect(create({ serviceAccountKey: 'not json {secret}' })).not.toThrow(/secret\}/);
    expect(create({ serviceAccountKey: JSON.stringify({ ...KEY, type: 'authorized_user' }) })).toThrow(
      /not a service account's key .*"authorized_user"/,
    );
    expect(create({ serviceAccountKey: JSON.stringify({ ...KEY, private_key: '' }) })).toThrow(
      /has no private_key/,
    );
  });

  it('refuses a bad adminEmail and a source that would serve nobody', () => {
    expect(create({ adminEmail: 'admin' })).toThrow(/adminEmail/);
    expect(create({ directory: false })).toThrow(/serve nobody/);
  });

  it('takes the key from a file: secret in a config file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'dirbridge-google-'));
    writeFileSync(join(folder, 'key.json'), `${JSON.stringify(KEY, null, 2)}\n`);
    const file = join(folder, 'config.yaml');
    writeFileSync(
      file,
      'sources:\n  - name: workspace\n    type: google\n    serviceAccountKey: file:key.json\n    adminEmail: admin@example.com\n',
    );
    const config = await loadTestConfig(file);
    const source = createGoogleSource(config.sources[0]!);
    expect(source.settings.credential).toMatchObject({
      kind: 'serviceAccount',
      key: { client_email: KEY.client_email, private_key: KEY.private_key },
    });
  });

  it('takes an OAuth refresh token instead of a service account, for one account', () => {
    const oauth = { clientId: '42.apps.googleusercontent.com', clientSecret: 's', refreshToken: 'r' };
    const single = { name: 'workspace', type: 'google', oauth };
    expect(createGoogleSource(single).settings.credential).toEqual({
      kind: 'oauth',
      ...oauth,
      tokenUrl: 'https://oauth2.googleapis.com/token',
    });
    expect(() =>
      createGoogleSource({ ...single, userContacts: { users: ['a@example.com', 'b@example.com'] } }),
    ).toThrow(/refresh token \(`oauth`\) reads one account's contacts/);
    expect(() => createGoogleSource({ ...single, adminEmail: 'admin@example.com' })).toThrow(
      /adminEmail goes with serviceAccountKey/,
    );
    expect(() =>
      createGoogleSource({ name: 'workspace', type: 'google', adminEmail: 'a@example.com' }),
    ).toThrow(/exactly one of `serviceAccountKey` and `oauth`/);
    expect(create({ oauth })).toThrow(/exactly one of `serviceAccountKey` and `oauth`/);
    expect(create({ adminEmail: undefined })).toThrow(/adminEmail is required with serviceAccountKey/);
  });
});
