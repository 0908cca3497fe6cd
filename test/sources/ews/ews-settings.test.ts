/**
 * The ews source's settings: defaults written once in the schema (NTLM, 60 s rounds, 30 s requests,
 * the account's own mailbox), which secrets go with which `auth`, Basic refused over plain http, a
 * mailbox listed twice, a URL that is not an EWS endpoint and an unreadable CA, each refused with a
 * sentence that names the setting and never a secret.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BearerTokenFile } from '../../../src/sources/ews/bearer-token-file.js';
import { EWS_SOURCE } from '../../../src/sources/ews/descriptor.js';
import { readEwsSettings } from '../../../src/sources/ews/ews-settings.js';
import { validSettings } from '../../../src/sources/valid-settings.js';

const URL = 'https://mail.contoso.com/EWS/Exchange.asmx';

function settings(overrides: Record<string, unknown>) {
  return readEwsSettings(
    validSettings(EWS_SOURCE, { name: 'exchange', type: 'ews', url: URL, ...overrides }),
  );
}

describe('ews settings', () => {
  it('defaults: NTLM, mailbox contacts, 60 s rounds, 30 s requests, the own mailbox', () => {
    const read = settings({ username: 'CONTOSO\\svc', password: 'S3cret!' });
    expect(read).toEqual({
      name: 'exchange',
      url: URL,
      credential: { kind: 'ntlm', username: 'CONTOSO\\svc', password: 'S3cret!' },
      addressBook: false,
      mailboxes: [],
      publicFolders: [],
      changeIntervalMs: 60_000,
      timeoutMs: 30_000,
    });
  });

  it('bearer takes a token only', () => {
    expect(settings({ auth: 'bearer', token: 'eyJ.x.y' }).credential).toEqual({
      kind: 'bearer',
      token: 'eyJ.x.y',
    });
    expect(() => settings({ auth: 'bearer' })).toThrow(
      'source exchange: auth is bearer but token is not set',
    );
    expect(() => settings({ auth: 'bearer', token: 't', username: 'u', password: 'p' })).toThrow(
      'auth is bearer: username and password go with ntlm or basic, not with a token',
    );
  });

  it('bearer takes a tokenFile instead, read at once, never both', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dirbridge-ews-settings-')), 'token');
    writeFileSync(file, 'eyJ.from.file\n');
    const { credential } = settings({ auth: 'bearer', tokenFile: file });
    expect(credential.kind === 'bearer' && credential.token instanceof BearerTokenFile).toBe(true);
    expect((credential as { token: BearerTokenFile }).token.current()).toBe('eyJ.from.file');
    expect(() => settings({ auth: 'bearer', token: 't', tokenFile: file })).toThrow(
      'source exchange: auth is bearer: set token or tokenFile, not both',
    );
    writeFileSync(file, ' \n');
    expect(() => settings({ auth: 'bearer', tokenFile: file })).toThrow(`tokenFile: ${file} is empty`);
    expect(() => settings({ username: 'u', password: 'p', tokenFile: file })).toThrow(
      /^source exchange: auth is ntlm: tokenFile goes with bearer$/,
    );
  });

  it('ntlm and basic need a user name and a password, and no token', () => {
    expect(() => settings({ username: 'CONTOSO\\svc' })).toThrow(
      'auth is ntlm: username and password are both required',
    );
    expect(() => settings({ auth: 'basic', username: 'u', password: 'p', token: 'secret-token' })).toThrow(
      /^source exchange: auth is basic: token goes with bearer$/,
    );
  });

  it('refuses Basic over plain http, a mailbox listed twice and a URL that is not EWS', () => {
    expect(() =>
      settings({
        url: 'http://mail.contoso.com/EWS/Exchange.asmx',
        auth: 'basic',
        username: 'u',
        password: 'p',
      }),
    ).toThrow('auth basic over http:// would send the password in the clear: use https://');
    expect(() =>
      settings({ username: 'u', password: 'p', mailboxes: ['alice@contoso.com', 'Alice@Contoso.com'] }),
    ).toThrow('mailboxes: Alice@Contoso.com is listed twice');
    expect(() => settings({ url: 'https://mail.contoso.com/owa', username: 'u', password: 'p' })).toThrow(
      /url/,
    );
    expect(() => settings({ username: 'u', password: 'p', mailboxes: ['alice'] })).toThrow(/mailboxes/);
  });

  it('an unreadable tls.ca names the file', () => {
    expect(() => settings({ username: 'u', password: 'p', tls: { ca: '/nonexistent/ca.pem' } })).toThrow(
      /^source exchange: tls\.ca: cannot read \/nonexistent\/ca\.pem: /,
    );
  });
});
