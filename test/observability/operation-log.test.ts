/** The per-operation log line: its fields, in order, with secrets and filter values kept out. */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseFilter } from '../../src/filter/parse.js';
import { BatchedDestination } from '../../src/observability/batched-destination.js';
import { createLogger } from '../../src/observability/logger.js';
import { logOperation, type OperationRecord } from '../../src/observability/operation-log.js';
import type { Request } from '../../src/protocol/messages.js';

const COMMON = {
  conn: 7,
  peer: '192.0.2.1:4000',
  bound: 'pbx',
  msgid: 3,
  resultCode: 0,
  entries: 2,
  ms: 1.5,
};

function lineFor(
  request: Request,
  level = 'info',
  fields: Omit<OperationRecord, 'request'> = COMMON,
): string | undefined {
  let text = '';
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  const record: OperationRecord = { ...fields, request };
  logOperation(createLogger(level, { destination }), record);
  return text === '' ? undefined : text;
}

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

describe('logOperation writing the line itself', () => {
  const search: Request = {
    type: 'search',
    baseObject: 'ou=people,dc=dirbridge,dc=local',
    scope: 'one',
    derefAliases: 'never',
    sizeLimit: 0,
    timeLimit: 0,
    typesOnly: false,
    filter: parseFilter('(&(telephoneNumber=+49 30 1234\\2a)(wuserPasswordSip=secret9))'),
    attributes: ['cn', 'telephone"Number'],
  };
  const bind: Request = {
    type: 'bind',
    version: 3,
    name: 'cn=M\u00fcller "\\\\",dc=x',
    auth: { method: 'simple', password: Buffer.from('secret9') },
  };

  /** The line pino writes for the same fields, built as operation-log.ts once built every line. */
  function pinoLine(request: Request, record: Omit<OperationRecord, 'request'>): Record<string, unknown> {
    let text = '';
    const logger = createLogger('info', { destination: { write: (line: string) => (text += line) } });
    const fields =
      request.type === 'bind'
        ? { op: 'bind', dn: request.name, method: request.auth.method, version: request.version }
        : request.type === 'search'
          ? {
              op: 'search',
              base: request.baseObject,
              scope: request.scope,
              filter: '(&(telephoneNumber=+49 30 1234\\2a)(wuserPasswordSip=[redacted]))',
              attrs: request.attributes,
              sizeLimit: request.sizeLimit,
            }
          : {};
    logger.info({ ...record, ...fields }, request.type);
    return JSON.parse(text) as Record<string, unknown>;
  }

  it('writes, for a search and a bind, what pino writes: the same fields in the same order', () => {
    for (const request of [search, bind]) {
      for (const resultCode of [0, undefined]) {
        const record = { ...COMMON, peer: '[::1]:4000', bound: 'cn="x",dc=y', resultCode, ms: 0.25 };
        const line = lineFor(request, 'info', record)!;
        expect(line.endsWith('}\n')).toBe(true);
        expect(line).not.toContain('secret9');
        const parsed = JSON.parse(line) as Record<string, unknown>;
        const expected = pinoLine(request, record);
        expect(Object.keys(parsed)).toEqual(Object.keys(expected));
        expect({ ...parsed, time: 0 }).toEqual({ ...expected, time: 0 });
      }
    }
  });

  it('leaves the line to pino for a logger that shapes its lines (a mixin)', () => {
    let text = '';
    const logger = pino({ mixin: () => ({ extra: 1 }) }, { write: (line: string) => (text += line) });
    logOperation(logger, { ...COMMON, request: bind });
    expect(JSON.parse(text)).toMatchObject({ extra: 1, op: 'bind', msg: 'bind' });
  });
});

describe('logOperation on the lines of one connection', () => {
  const search: Request = {
    type: 'search',
    baseObject: 'dc=dirbridge,dc=local',
    scope: 'sub',
    derefAliases: 'never',
    sizeLimit: 0,
    timeLimit: 0,
    typesOnly: false,
    filter: parseFilter('(userPassword=hunter2)'),
    attributes: [],
  };

  it('names who is bound now, after a bind, and the peer of a new connection under an old number', () => {
    const lines = [
      lineFor(search, 'info', { ...COMMON, conn: 41, peer: '192.0.2.1:4000', bound: '' }),
      lineFor(search, 'info', { ...COMMON, conn: 41, peer: '192.0.2.1:4000', bound: 'cn=pbx' }),
      lineFor(search, 'info', { ...COMMON, conn: 41, peer: '192.0.2.9:5000', bound: 'cn=pbx' }),
      lineFor(search, 'info', { ...COMMON, conn: 42, peer: '192.0.2.9:5000', bound: 'cn=pbx' }),
    ].map((line) => JSON.parse(line!) as Record<string, unknown>);
    expect(lines.map(({ conn, peer, bound }) => [conn, peer, bound])).toEqual([
      [41, '192.0.2.1:4000', ''],
      [41, '192.0.2.1:4000', 'cn=pbx'],
      [41, '192.0.2.9:5000', 'cn=pbx'],
      [42, '192.0.2.9:5000', 'cn=pbx'],
    ]);
  });

  it('redacts a secret attribute every time it is asked, whatever other names came between', () => {
    for (let i = 0; i < 2_000; i++) {
      const other = { ...search, filter: parseFilter(`(x${i}=1)`) };
      expect(lineFor(other)).toContain(`(x${i}=1)`);
      if (i % 500 === 0) expect(lineFor(search)).not.toContain('hunter2');
    }
    expect(lineFor(search)).not.toContain('hunter2');
  });

  it('redacts a secret attribute named with a long option, asked again', () => {
    const long = { ...search, filter: parseFilter(`(userPassword;x-${'o'.repeat(300)}=hunter2)`) };
    expect(lineFor(long)).not.toContain('hunter2');
    expect(lineFor(long)).not.toContain('hunter2');
  });
});

describe('logOperation into a BatchedDestination', () => {
  it('hands the line over as an operation line, gathered with the others', async () => {
    const writes: string[] = [];
    const target = { write: (text: string) => void writes.push(text), flushSync: () => undefined };
    const destination = new BatchedDestination(target, 64 * 1024, 20);
    const logger = createLogger('info', { destination });
    logOperation(logger, { ...COMMON, request: { type: 'unbind' } });
    logOperation(logger, {
      ...COMMON,
      request: {
        type: 'bind',
        version: 3,
        name: 'cn=pbx',
        auth: { method: 'simple', password: Buffer.from('x') },
      },
    });
    expect(writes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(writes).toHaveLength(1);
    expect(
      writes[0]!
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { op: string }).op),
    ).toEqual(['unbind', 'bind']);
  });
});
