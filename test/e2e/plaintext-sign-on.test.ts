/**
 * Users' passwords never cross to a backend in clear by accident: a source that signs users on over
 * an `ldap://` URL without StartTLS is refused at start-up, naming the config file and the setting,
 * unless `allowPlaintextSignOn: true` says it is intended — then dirbridge logs a warning at start
 * and `check` shows one. With StartTLS the same URL is fine. Against the Domino stand-in (slapd).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startSlapdDomino,
  type DominoPerson,
  type SlapdDomino,
} from '../../scripts/test-backends/slapd-domino.js';
import { runCli } from './support/cli-process.js';
import { demoConfig, serveOnce, startDirbridge, writeConfig } from './support/dirbridge-process.js';
import { dominoSource, people, registerDominoSecrets } from './support/domino.js';
import { ldapwhoami } from './support/ldap-utils.js';

let domino: SlapdDomino;
let anna: DominoPerson;

beforeAll(async () => {
  domino = await startSlapdDomino({ name: 'plaintext-sign-on' });
  registerDominoSecrets(domino);
  anna = people(domino).find((person) => !person.ambiguousCn)!;
});

afterAll(async () => {
  await domino.stop();
});

/** The Domino source over the stand-in's plain port, signing users on. */
function plainSignOn(settings: Record<string, unknown> = {}): Record<string, unknown> {
  return dominoSource(domino, { urls: [domino.ldapUrl], signOn: true, timeout: 3, ...settings });
}

describe('sign-on over a plain ldap:// backend connection', () => {
  it('is refused at start-up, naming the config file, the source and what to do', () => {
    const { status, stderr, file } = serveOnce(demoConfig({ sources: [plainSignOn()] }));
    expect(status).toBe(1);
    expect(stderr).toContain(
      `${file}: sources[0]: source domino: signOn: users' passwords would be sent in clear`,
    );
    expect(stderr).toContain(domino.ldapUrl);
    expect(stderr).toMatch(/startTls: true, or set allowPlaintextSignOn: true/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('with allowPlaintextSignOn: starts with a warning, signs users on, and check warns too', async () => {
    const sources = [plainSignOn({ allowPlaintextSignOn: true })];
    const server = await startDirbridge({ logName: 'plaintext-sign-on', config: { sources } });
    try {
      expect(server.output()).toContain(`users' sign-on passwords are sent in clear to ${domino.ldapUrl}`);
      const whoami = await ldapwhoami(server.url, { dn: anna.mail, password: anna.password });
      expect(whoami.code, whoami.stderr).toBe(0);
    } finally {
      await server.stop();
    }
    const check = await runCli(['check', '--config', writeConfig(demoConfig({ sources }))]);
    expect(check.stdout).toMatch(
      new RegExp(`WARN +sign-on +users' passwords are sent in clear to ${escapeRegExp(domino.ldapUrl)}`),
    );
  });

  it('with StartTLS: starts without a warning, and check says the passwords go over StartTLS', async () => {
    const sources = [plainSignOn({ startTls: true })];
    const server = await startDirbridge({ logName: 'starttls-sign-on', config: { sources } });
    try {
      expect(server.output()).not.toContain('in clear');
      const whoami = await ldapwhoami(server.url, { dn: anna.mail, password: anna.password });
      expect(whoami.code, whoami.stderr).toBe(0);
    } finally {
      await server.stop();
    }
    const check = await runCli(['check', '--config', writeConfig(demoConfig({ sources }))]);
    expect(check.stdout).toMatch(/ok +sign-on +users' passwords are checked over StartTLS/);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
