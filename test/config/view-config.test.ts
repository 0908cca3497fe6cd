/** `views`, `access.accounts[].view` and `listen[].view` as the loader reads them, and what it refuses. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password-hash.js';
import { ConfigError } from '../../src/config/config-error.js';
import { loadTestConfig } from '../support/load-test-config.js';

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-views-'));
const SOURCES = 'sources:\n  - { name: people, type: file, path: p.csv }\n';
let hash: string;

beforeAll(async () => {
  hash = await hashPassword(Buffer.from('secret'), { N: 1024, r: 8, p: 1 });
});

function configFile(yaml: string): string {
  const file = join(folder, 'config.yaml');
  writeFileSync(file, yaml);
  return file;
}

/** The loader's problems, each as `path: message`, without file name and position. */
async function problems(yaml: string): Promise<string[]> {
  const file = configFile(yaml);
  const error: unknown = await loadTestConfig(file).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message
    .split('\n')
    .map((line) => line.replace(`${file}: `, '').replace(/ \(line \d+, column \d+\)$/, ''))
    .sort();
}

function withView(views: string, choice = 'pbx-map'): string {
  return [
    'listen: [{ url: "ldap://127.0.0.1:1389", view: seed-ad }]',
    'access:',
    `  accounts: [{ name: pbx, passwordHash: "${hash}", view: ${choice} }]`,
    'views:',
    ...views.split('\n').map((line) => `  ${line}`),
    SOURCES,
  ].join('\n');
}

describe('views in config', () => {
  it('default to none; accounts and listeners name shipped, defined or the presented view', async () => {
    const plain = await loadTestConfig(configFile(SOURCES));
    expect(plain.views).toEqual({});
    expect(plain.listen[0]!.view).toBeUndefined();
    const config = await loadTestConfig(
      configFile(withView('pbx-map: { extension: ipPhone, office: telephoneNumber }')),
    );
    expect(config.views).toEqual({ 'pbx-map': { extension: 'ipPhone', office: 'telephoneNumber' } });
    expect(config.access.accounts[0]!.view).toBe('pbx-map');
    expect(config.listen[0]!.view).toBe('seed-ad');
    for (const name of ['seed-ad', 'seed-domino', 'seed-office365', 'presented'])
      await expect(loadTestConfig(configFile(withView('{}', name)))).resolves.toBeDefined();
  });

  it('refuses a view naming no presented attribute, or one attribute twice', async () => {
    expect(
      await problems(
        withView('pbx-map: { extension: ipPhne, office: telephoneNumber, phone: telephoneNumber }'),
      ),
    ).toEqual([
      "views.pbx-map.extension: no presented attribute 'ipPhne' (see the schema: cn=Subschema)",
      "views.pbx-map.phone: 'phone' and 'office' both show presented 'telephoneNumber'",
    ]);
  });

  it('refuses one client name written twice, as an alias or in another case', async () => {
    expect(await problems(withView('pbx-map: { sn: cn, surname: displayName, cn: sn }'))).toEqual([
      "views.pbx-map.surname: 'surname' names the same attribute as 'sn'",
    ]);
  });

  it('refuses a client name that is a presented attribute the view leaves visible', async () => {
    expect(await problems(withView('pbx-map: { telephoneNumber: ipPhone }'))).toEqual([
      "views.pbx-map.telephoneNumber: 'telephoneNumber' is also the presented attribute 'telephoneNumber', which this view leaves visible under that name: show 'telephoneNumber' under another name too (e.g. ipPhone: telephoneNumber) or choose another name for 'ipPhone'",
    ]);
  });

  it('refuses showing a password attribute under another name (naming it as it is renames nothing)', async () => {
    expect(
      await problems(
        withView(
          'pbx-map: { secret: userPassword, userPassword: wuserPasswordSip, wuserPasswordSip: wuserPasswordSip }',
        ),
      ),
    ).toEqual(
      [
        "views.pbx-map.secret: 'userPassword' is a password attribute: a view may not show it under another name (who sees it is `access.accounts[].sensitive`'s to say)",
        "views.pbx-map.userPassword: 'wuserPasswordSip' is a password attribute: a view may not show it under another name (who sees it is `access.accounts[].sensitive`'s to say)",
      ].sort(),
    );
  });

  it('refuses renaming a name the password attribute has into something visible', async () => {
    expect(await problems(withView('pbx-map: { userPassword: mail, email: userPassword }'))).toEqual([
      "views.pbx-map.email: 'userPassword' is a password attribute: a view may not show it under another name (who sees it is `access.accounts[].sensitive`'s to say)",
      "views.pbx-map.userPassword: 'userPassword' is a password attribute's name: a view may not give it to 'mail'",
    ]);
  });

  it('refuses renaming operational attributes and objectClass', async () => {
    expect(await problems(withView('pbx-map: { id: entryUUID, kind: objectClass }'))).toEqual([
      "views.pbx-map.id: 'entryUUID' cannot be renamed: only user attributes other than objectClass can",
      "views.pbx-map.kind: 'objectClass' cannot be renamed: only user attributes other than objectClass can",
    ]);
  });

  it('refuses a view named like a shipped one, and a `view` naming no view', async () => {
    const yaml = [
      'listen: [{ url: "ldap://127.0.0.1:1389", view: seed-asterisk }]',
      'access:',
      `  accounts: [{ name: pbx, passwordHash: "${hash}", view: mine }]`,
      'views:',
      '  seed-ad: { extension: ipPhone }',
      '  presented: { extension: ipPhone }',
      SOURCES,
    ].join('\n');
    expect(await problems(yaml)).toEqual([
      "access.accounts[0].view: no view named 'mine' (views: presented, seed-ad, seed-domino, seed-office365)",
      "listen[0].view: no view named 'seed-asterisk' (views: presented, seed-ad, seed-domino, seed-office365)",
      "views.presented: 'presented' is the name of a view dirbridge ships: give yours another name",
      "views.seed-ad: 'seed-ad' is the name of a view dirbridge ships: give yours another name",
    ]);
  });
});
