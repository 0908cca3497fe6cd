import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandSecrets } from '../../src/config/secrets.js';

const folder = mkdtempSync(join(tmpdir(), 'dirbridge-secrets-'));
writeFileSync(join(folder, 'hash'), '$scrypt$N=16384,r=8,p=1$c2FsdA==$aGFzaA==\n');
writeFileSync(join(folder, 'crlf'), 'line one\r\n\r\n');
writeFileSync(join(folder, 'inner-newline'), 'two\nlines\n');
writeFileSync(join(folder, 'big'), Buffer.alloc(1024 * 1024 + 1, 0x61));

const env = { AD_PASSWORD: 'Pa$$w0rd ${env:NOT_AGAIN}', HOST: 'dc1.example.test', DIR: folder, EMPTY: '' };

describe('config secrets', () => {
  it('replaces ${env:NAME} anywhere in a string, once, without expanding the value again', async () => {
    const { data, problems } = await expandSecrets(
      {
        sources: [
          {
            bind: { password: '${env:AD_PASSWORD}' },
            urls: ['ldaps://${env:HOST}:636', 'ldaps://x'],
            empty: 'x${env:EMPTY}y',
            other: '${HOME} and $env:HOST stay',
            port: 636,
            flag: true,
            none: null,
          },
        ],
      },
      { env, folder },
    );
    expect(problems).toEqual([]);
    expect(data).toEqual({
      sources: [
        {
          bind: { password: 'Pa$$w0rd ${env:NOT_AGAIN}' },
          urls: ['ldaps://dc1.example.test:636', 'ldaps://x'],
          empty: 'xy',
          other: '${HOME} and $env:HOST stay',
          port: 636,
          flag: true,
          none: null,
        },
      ],
    });
  });

  it('reads file: values, trailing newlines trimmed, relative to the config folder, env inside the path', async () => {
    const { data, problems } = await expandSecrets(
      {
        a: `file:${join(folder, 'hash')}`,
        b: 'file:crlf',
        c: 'file:${env:DIR}/inner-newline',
        d: 'not file:hash',
      },
      { env, folder },
    );
    expect(problems).toEqual([]);
    expect(data).toEqual({
      a: '$scrypt$N=16384,r=8,p=1$c2FsdA==$aGFzaA==',
      b: 'line one',
      c: 'two\nlines',
      d: 'not file:hash',
    });
  });

  it('never reads a file an environment variable pointed at', async () => {
    const { data } = await expandSecrets({ a: '${env:X}' }, { env: { X: 'file:/etc/passwd' }, folder });
    expect(data).toEqual({ a: 'file:/etc/passwd' });
  });

  it('names the path, the variable or the file for each problem, never a value', async () => {
    const { problems } = await expandSecrets(
      {
        access: { accounts: [{ passwordHash: '${env:PBX_HASH}' }, { passwordHash: 'file:missing' }] },
        sources: [{ password: 'a ${env:ONE} b ${env:TWO}' }, { key: 'file:big' }, { key: `file:${folder}` }],
      },
      { env, folder },
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          at: ['access', 'accounts', 0, 'passwordHash'],
          message: 'environment variable PBX_HASH is not set',
        },
        {
          at: ['access', 'accounts', 1, 'passwordHash'],
          message: `cannot read the secret file ${join(folder, 'missing')}: it does not exist`,
        },
        { at: ['sources', 0, 'password'], message: 'environment variable ONE is not set' },
        { at: ['sources', 0, 'password'], message: 'environment variable TWO is not set' },
        {
          at: ['sources', 1, 'key'],
          message: `cannot read the secret file ${join(folder, 'big')}: it is larger than 1048576 bytes`,
        },
        { at: ['sources', 2, 'key'], message: `cannot read the secret file ${folder}: it is a folder` },
      ]),
    );
    expect(problems).toHaveLength(6);
    expect(JSON.stringify(problems)).not.toContain('aaaa');
  });
});
