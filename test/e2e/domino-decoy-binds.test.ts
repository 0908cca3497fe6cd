/**
 * A Domino name nobody has, and one two people share, cost the Domino stand-in what a wrong password
 * for a real person costs: the search that resolves the name and then a bind, counted by the
 * stand-in itself (slapd's monitor, cn=Bind,cn=Operations,cn=Monitor), and the client gets the
 * same answer, word for word, as for a wrong password. So a bind's timing does not tell which names exist. The
 * binds are made with ldapwhoami through a dirbridge process, as a PBX checks a password.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlapdDomino, type SlapdDomino } from '../../scripts/test-backends/slapd-domino.js';
import { startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { WRONG_PASSWORD, dominoSource, registerDominoSecrets } from './support/domino.js';
import { runTool, type ToolResult } from './support/ldap-utils.js';
import { bindsDuring } from './support/slapd-monitor.js';

const INVALID_CREDENTIALS = 49;

let domino: SlapdDomino;
let server: DirbridgeProcess;

beforeAll(async () => {
  domino = await startSlapdDomino({ name: 'domino-decoy-binds', monitor: true });
  registerDominoSecrets(domino);
  server = await startDirbridge({
    config: {
      sources: [dominoSource(domino, { signOn: true, bindPoolSize: 2 })],
      // Many wrong passwords on purpose here: the throttle is another test's subject.
      access: { throttle: { loginFailures: 100 } },
    },
    logName: 'domino-decoy-binds',
  });
});

afterAll(async () => {
  await server.stop();
  await domino.stop();
});

function whoami(name: string, password: string): Promise<ToolResult> {
  return runTool('ldapwhoami', ['-x', '-H', server.url, '-D', name, '-w', password]);
}

/** Binds each name with the wrong password; the answers, and the binds the stand-in completed meanwhile. */
async function wrongBinds(names: readonly string[]): Promise<{ answers: ToolResult[]; binds: number }> {
  const answers: ToolResult[] = [];
  const binds = await bindsDuring(domino, async () => {
    for (const name of names) answers.push(await whoami(name, WRONG_PASSWORD));
  });
  return { answers, binds };
}

describe('domino names nobody has', () => {
  it('reach the stand-in with a bind, as a wrong password for a real person does, and are answered alike', async () => {
    const { anna, lisa, juergen, katharina } = domino.people;
    const real = [anna.cn[0]!, lisa.mail, juergen.cn[0]!, katharina.cn[1]!];
    const unknown = ['Nobody Atall', 'nobody@acme.example', 'cn=Nobody Atall', 'cn=Nobody,ou=Berlin,o=Acme'];
    const known = await wrongBinds(real);
    const nobody = await wrongBinds(unknown);
    // One bind per name at the stand-in (the search connection is bound once, before these).
    expect(known.binds).toBe(real.length);
    expect(nobody.binds, 'a decoy bind for each name nobody has').toBe(unknown.length);
    for (const answer of [...known.answers, ...nobody.answers]) {
      expect(answer.code).toBe(INVALID_CREDENTIALS);
      // Word for word what the stand-in says to a wrong password.
      expect(answer.stderr).toBe(known.answers[0]!.stderr);
    }
  });

  it('a name two people share reaches the stand-in with a bind too, and is answered as a wrong password is', async () => {
    const [shared] = domino.ambiguousNames;
    expect(shared).toBeDefined();
    const names = [shared!, `cn=${shared!}`, shared!.toUpperCase()];
    const wrong = await whoami(domino.people.anna.mail, WRONG_PASSWORD);
    const { answers, binds } = await wrongBinds(names);
    expect(binds).toBe(names.length);
    for (const answer of answers) {
      expect(answer.code).toBe(INVALID_CREDENTIALS);
      // Word for word what a wrong password gets: nothing tells that the name exists.
      expect(answer.stderr).toBe(wrong.stderr);
    }
    // Not bound as either person: each one's own password is refused under the shared name as well.
    const thomas = domino.people.thomasBerlin;
    expect((await whoami(shared!, thomas.password)).code).toBe(INVALID_CREDENTIALS);
  });

  it('an empty password still reaches nobody', async () => {
    const binds = await bindsDuring(domino, async () => {
      for (const name of ['Nobody Atall', domino.people.anna.cn[0]!]) {
        expect((await whoami(name, '')).code).toBe(INVALID_CREDENTIALS);
      }
    });
    expect(binds).toBe(0);
  });
});
