/** The per-operation log line: its fields, in order, with secrets and filter values kept out. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/filter/parse.js';
import { createLogger } from '../../src/observability/logger.js';
import { logOperation, type OperationRecord } from '../../src/observability/operation-log.js';
import type { Request } from '../../src/protocol/messages.js';

function lineFor(request: Request, level = 'info'): string | undefined {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const record: OperationRecord = {
    conn: 7,
    peer: '192.0.2.1:4000',
    bound: 'pbx',
    msgid: 3,
    request,
    resultCode: 0,
    entries: 2,
    ms: 1.5,
  };
  logOperation(createLogger(level, { destination }), record);
  return text === '' ? undefined : text;
}

const COMMON = {
  conn: 7,
  peer: '192.0.2.1:4000',
  bound: 'pbx',
  msgid: 3,
  resultCode: 0,
  entries: 2,
  ms: 1.5,
};

describe('logOperation', () => {
  it('logs a search with its base, scope, redacted filter, attributes and size limit', () => {
    const line = lineFor({
      type: 'search',
      baseObject: 'dc=dirbridge,dc=local',
      scope: 'sub',
      derefAliases: 'never',
      sizeLimit: 50,
      timeLimit: 0,
      typesOnly: false,
      filter: parseFilter('(|(cn=*abc*)(userPassword=hunter2))'),
      attributes: ['cn'],
    })!;
    expect(line).not.toContain('hunter2');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      ...COMMON,
      op: 'search',
      base: 'dc=dirbridge,dc=local',
      scope: 'sub',
      attrs: ['cn'],
      sizeLimit: 50,
      msg: 'search',
    });
    expect(parsed.filter).toMatch(/^\(\|\(cn=\*abc\*\)\(userPassword=.*redacted.*\)\)$/);
    expect(Object.keys(parsed).slice(3)).toEqual([
      ...Object.keys(COMMON),
      'op',
      'base',
      'scope',
      'filter',
      'attrs',
      'sizeLimit',
      'msg',
    ]);
  });

  it('logs a bind with its name, method and version, never its password', () => {
    const line = lineFor({
      type: 'bind',
      version: 3,
      name: 'cn=pbx',
      auth: { method: 'simple', password: Buffer.from('hunter2') },
    })!;
    expect(line).not.toContain('hunter2');
    expect(JSON.parse(line)).toMatchObject({
      ...COMMON,
      op: 'bind',
      dn: 'cn=pbx',
      method: 'simple',
      version: 3,
      msg: 'bind',
    });
  });

  it('logs the rarer operations with what they targeted', () => {
    expect(JSON.parse(lineFor({ type: 'abandon', abandonId: 2 })!)).toMatchObject({
      ...COMMON,
      op: 'abandon',
      abandonId: 2,
      msg: 'abandon',
    });
    expect(JSON.parse(lineFor({ type: 'unbind' })!)).toMatchObject({ op: 'unbind', msg: 'unbind' });
  });

  it('builds nothing when info lines are off', () => {
    expect(lineFor({ type: 'unbind' }, 'warn')).toBeUndefined();
  });
});
