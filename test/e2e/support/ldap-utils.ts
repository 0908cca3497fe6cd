/** OpenLDAP's command-line clients as the tests use them: run, then parse their LDIF output. */
import { execFile } from 'node:child_process';
import { registerArgumentSecrets } from './test-secrets.js';

export interface LdifEntry {
  readonly dn: string;
  /** Attribute values by attribute name as the server returned it. */
  readonly attributes: Readonly<Record<string, string[]>>;
}

export interface ToolResult {
  /** The tool's exit status: for ldapsearch and friends, the LDAP result code. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runTool(tool: string, args: readonly string[], timeoutMs = 30_000): Promise<ToolResult> {
  // A `-w` password is registered, so that the teardown can prove the server never logged it.
  registerArgumentSecrets(args);
  return new Promise((resolve) => {
    execFile(tool, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export interface SearchOptions {
  readonly base?: string;
  readonly scope?: 'base' | 'one' | 'sub';
  readonly sizeLimit?: number;
  readonly timeLimit?: number;
  readonly extensions?: readonly string[];
  readonly attributes?: readonly string[];
  readonly bind?: { readonly dn: string; readonly password: string };
}

export async function ldapsearch(
  url: string,
  filter: string,
  options: SearchOptions = {},
): Promise<ToolResult & { entries: LdifEntry[] }> {
  const args = ['-x', '-LLL', '-o', 'ldif-wrap=no', '-H', url, '-b', options.base ?? 'dc=dirbridge,dc=local'];
  args.push('-s', options.scope ?? 'sub');
  if (options.sizeLimit !== undefined) args.push('-z', String(options.sizeLimit));
  if (options.timeLimit !== undefined) args.push('-l', String(options.timeLimit));
  for (const extension of options.extensions ?? []) args.push('-E', extension);
  if (options.bind) args.push('-D', options.bind.dn, '-w', options.bind.password);
  args.push(filter, ...(options.attributes ?? []));
  const result = await runTool('ldapsearch', args);
  return { ...result, entries: parseLdif(result.stdout) };
}

export interface WhoAmIResult extends ToolResult {
  /** What Who am I? answered (`dn:...`, `u:...`, or `anonymous`) when the bind succeeded. */
  readonly authzId?: string;
  /** The server's diagnostic message for a refused bind (ldapwhoami's `additional info`), or ''. */
  readonly diagnostic: string;
}

/** A simple bind (anonymous without `bind`), then Who am I?; `code` is the first failure's result code. */
export async function ldapwhoami(
  url: string,
  bind?: { readonly dn: string; readonly password: string },
): Promise<WhoAmIResult> {
  const args = ['-x', '-H', url, ...(bind ? ['-D', bind.dn, '-w', bind.password] : [])];
  const result = await runTool('ldapwhoami', args);
  const diagnostic = /^\s*additional info: (.*)$/m.exec(result.stderr)?.[1] ?? '';
  return result.code === 0
    ? { ...result, authzId: result.stdout.trim(), diagnostic }
    : { ...result, diagnostic };
}

export function parseLdif(text: string): LdifEntry[] {
  const entries: LdifEntry[] = [];
  for (const block of text.split(/\n\n+/)) {
    const lines = block.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    if (lines.length === 0) continue;
    let dn = '';
    const attributes: Record<string, string[]> = {};
    for (const line of lines) {
      const match = /^([^:]+)(::?) ?(.*)$/.exec(line);
      if (!match) continue;
      const [, name, colons, raw] = match as unknown as [string, string, string, string];
      const value = colons === '::' ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (name === 'dn') dn = value;
      else (attributes[name] ??= []).push(value);
    }
    if (dn !== '' || Object.keys(attributes).length > 0) entries.push({ dn, attributes });
  }
  return entries;
}
