import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { redactFilter } from '../../src/observability/filter-redaction.js';
import { REDACTED, REDACTED_PATHS, SECRET_FIELDS, createLogger } from '../../src/observability/logger.js';
import { formatFilter } from '../../src/filter/format.js';
import { parseFilter } from '../../src/filter/parse.js';

/** A logger whose JSON lines are collected, parsed. */
function capture(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const logger = createLogger('info', { destination });
  const lines = (): Record<string, unknown>[] =>
    text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines };
}

describe('log redaction', () => {
  it.each(SECRET_FIELDS)('redacts a top-level "%s"', (field) => {
    const { logger, lines } = capture();
    logger.info({ [field]: 'hunter2', user: 'pbx' }, 'x');
    expect(lines()[0]).toMatchObject({ [field]: REDACTED, user: 'pbx' });
    expect(JSON.stringify(lines())).not.toContain('hunter2');
  });

  it('redacts secrets where they travel: bind settings, accounts, TLS, headers, errors', () => {
    const { logger, lines } = capture();
    const error = Object.assign(new Error('request failed'), {
      config: { headers: { Authorization: 'Bearer tok-123' }, password: 'pw-err' },
      token: 'tok-456',
    });
    logger.error(
      {
        bind: { name: 'svc@example.test', password: 'pw-bind' },
        account: { name: 'pbx', passwordHash: '$scrypt$N=16384,r=8,p=1$c2FsdA==$aGFzaA==' },
        tls: { passphrase: 'pw-tls' },
        headers: { authorization: 'Basic cHc=' },
        credentials: { client: 'x' },
        err: error,
      },
      'failed',
    );
    const text = JSON.stringify(lines());
    for (const secret of [
      'pw-bind',
      'c2FsdA==',
      'pw-tls',
      'cHc=',
      'tok-123',
      'tok-456',
      'pw-err',
      '"client"',
    ])
      expect(text, secret).not.toContain(secret);
    expect(lines()[0]).toMatchObject({ bind: { name: 'svc@example.test' }, account: { name: 'pbx' } });
    expect((lines()[0]!.err as { message: string }).message).toBe('request failed');
  });

  it('uses no wildcard path, which would cost more than the log line itself', () => {
    expect(REDACTED_PATHS.some((path) => path.includes('*'))).toBe(false);
  });
});

describe('filters in the operation log', () => {
  it.each([
    ['(userPassword=secret)', '(userPassword=[redacted])'],
    ['(&(uid=anna)(userpassword=s*cr*t))', '(&(uid=anna)(userpassword=*[redacted]*))'],
    [
      '(|(2.5.4.35>=a)(!(wuserPasswordSip~=b)))',
      '(|(2.5.4.35>=[redacted])(!(wuserPasswordSip~=[redacted])))',
    ],
    ['(userPassword;binary:caseExactMatch:=pw)', '(userPassword;binary:caseExactMatch:=[redacted])'],
    // No attribute: the rule is tried on every attribute, passwords included wherever readable.
    ['(:2.5.13.17:=guess)', '(:2.5.13.17:=[redacted])'],
    ['(:octetStringMatch:=guess)', '(:octetStringMatch:=[redacted])'],
    ['(:dn:2.5.13.17:=guess)', '(:dn:2.5.13.17:=[redacted])'],
    ['(|(cn=anna)(!(:caseExactMatch:=guess)))', '(|(cn=anna)(!(:caseExactMatch:=[redacted])))'],
  ])('hides the values asserted about passwords: %s', (filter, logged) => {
    expect(formatFilter(redactFilter(parseFilter(filter)))).toBe(logged);
  });

  it('leaves every other filter as it is (the same object)', () => {
    const filter = parseFilter('(&(cn=*müller*)(userPassword=*)(telephoneNumber=123)(cn:dn:=x))');
    expect(redactFilter(filter)).toBe(filter);
  });
});
