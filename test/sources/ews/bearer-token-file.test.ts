import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BearerTokenFile } from '../../../src/sources/ews/bearer-token-file.js';

describe('BearerTokenFile', () => {
  it('reads the token again when the file changes, and keeps the last one while it cannot', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dirbridge-token-file-')), 'token');
    writeFileSync(path, '  first-token\n');
    const file = new BearerTokenFile(path);
    expect(file.current()).toBe('first-token');
    // Same size, a later time: changed.
    writeFileSync(path, 'other-token\n');
    utimesSync(path, new Date(), new Date(Date.now() + 5_000));
    expect(file.current()).toBe('other-token');
    writeFileSync(path, '');
    expect(file.current()).toBe('other-token');
    rmSync(path);
    expect(file.current()).toBe('other-token');
    writeFileSync(path, 'third-token');
    expect(file.current()).toBe('third-token');
  });

  it('refuses a file it cannot read or that holds no token, naming it', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dirbridge-token-file-')), 'token');
    expect(() => new BearerTokenFile(path)).toThrow(`cannot read ${path} (ENOENT)`);
    writeFileSync(path, '\n');
    expect(() => new BearerTokenFile(path)).toThrow(`${path} is empty`);
  });
});
