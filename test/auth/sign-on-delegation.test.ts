/**
 * Delegated binds through the authenticator and the sign-on router, with in-memory sources that
 * record what they were asked: who owns a name, what reaches the backend, what the client gets back.
 */
import { describe, expect, it } from 'vitest';
import { Authenticator, type SimpleBind } from '../../src/auth/authenticator.js';
import { SignOn, type PresentedEntries } from '../../src/auth/sign-on.js';
import { DEFAULT_COST } from '../../src/auth/password-hash.js';
import type { AccessConfig } from '../../src/config/types.js';
import type { AuthVerdict, LoginRef, Source, SourceRecord } from '../../src/sources/source.js';

const SUFFIX = 'dc=dirbridge,dc=local';
/** An account hash at a cheap cost (the tests' verifier never computes it). */
const CHEAP_HASH = `$scrypt$N=1024,r=8,p=1$${Buffer.alloc(16, 1).toString('base64')}$${Buffer.alloc(32, 2).toString('base64')}`;

/** A source that owns names ending in `@<domain>` and accepts one password per account. */
class RecordingSource implements Partial<Source> {
  readonly asked: string[] = [];
  readonly binds: string[] = [];
  /** Passwords checked against decoy logins (what reached the backend for names it does not own). */
  readonly decoyPasswords: string[] = [];
  down = false;
  /** Looks names up at its backend, as Domino does: a name it does not own gets a decoy login. */
  searches = false;
  /** Records whose presented DN binds; others are looked up and not found. */
  records: readonly string[] | undefined;
  /**
   * Other names the backend finds an account by (lower-cased name -> account), as Domino finds a
   * person's DN by a common name; a DN found is bound as it was written, as Domino's is.
   */
  aliases: Readonly<Record<string, string>> = {};
  /** Names it claims by their form alone, and the key it gives them (AD's Source.loginKey). */
  formKeys: ((name: string) => string | undefined) | undefined;

  constructor(
    readonly name: string,
    private readonly domain: string,
    private readonly passwords: Record<string, string>,
    private readonly answer?: AuthVerdict,
  ) {}

  resolveLogin(name: string): Promise<LoginRef | undefined> {
    this.asked.push(name);
    if (this.down) return Promise.reject(new Error(`source ${this.name}: connect: refused`));
    if (name.toLowerCase().endsWith(`@${this.domain}`))
      return Promise.resolve({ source: this.name, account: name });
    const alias = this.aliases[name.toLowerCase().replace(/\s*,\s*/g, ',')];
    if (alias !== undefined) {
      return Promise.resolve({ source: this.name, account: alias.includes('=') ? name : alias });
    }
    return Promise.resolve(this.searches ? this.#decoy() : undefined);
  }

  loginKey(name: string): Promise<string | undefined> {
    return Promise.resolve(this.formKeys?.(name));
  }

  loginOfRecord(recordId: string): Promise<LoginRef | undefined> {
    if (this.records && !this.records.includes(recordId)) return Promise.resolve(this.#decoy());
    return Promise.resolve({ source: this.name, account: `${recordId}@${this.domain}`, recordId });
  }

  #decoy(): LoginRef {
    return { source: this.name, account: 'cn=dirbridge-decoy-1', decoy: true };
  }

  authenticate(login: LoginRef, password: string): Promise<AuthVerdict> {
    if (login.decoy) this.decoyPasswords.push(password);
    else this.binds.push(login.account);
    if (this.answer) return Promise.resolve(this.answer);
    if (this.passwords[login.account.toLowerCase()] === password) {
      const record: SourceRecord = { id: login.account.split('@')[0]!, fields: {} };
      return Promise.resolve({ ok: true, record });
    }
    return Promise.resolve({
      ok: false,
      code: 'invalidCredentials',
      diagnostic: '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 52e, v1db1',
    });
  }
}

const ENTRIES: PresentedEntries = {
  entryOf: (dn) => {
    const match = /^entryUUID=([^,]+),ou=([^,]+),dc=dirbridge,dc=local$/i.exec(dn);
    return match ? { mount: match[2]!, recordId: match[1]! } : undefined;
  },
  dnOf: (mount, record) => `entryUUID=${record.id},ou=${mount},${SUFFIX}`,
};

function access(overrides: Partial<AccessConfig> = {}): AccessConfig {
  return {
    anonymous: false,
    accounts: [],
    trustedAddresses: [],
    trustLoopback: true,
    signedOn: {},
    throttle: { loginFailures: 2, addressFailures: 3, delay: 1, maxDelay: 4, decay: 60, maxTracked: 100 },
    ...overrides,
  };
}

function setUp(sources: RecordingSource[], overrides: Partial<AccessConfig> = {}) {
  const waits: number[] = [];
  /** The costs of the scrypt checks made (local accounts' and the decoy's). */
  const scrypt: { N: number; r: number; p: number }[] = [];
  const signOn = new SignOn(
    sources.map((source) => ({ mount: source.name, source: source as unknown as Source })),
    ENTRIES,
  );
  const auth = new Authenticator({
    access: access(overrides),
    suffix: SUFFIX,
    signOn,
    now: () => 0,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    verifier: (_password, { N, r, p }) => {
      scrypt.push({ N, r, p });
      return Promise.resolve(false);
    },
  });
  return { auth, waits, scrypt };
}

function bind(name: string, password: string, remoteAddress = '203.0.113.9', secure = true): SimpleBind {
  return { name, password: Buffer.from(password), remoteAddress, secure };
}

const signal = new AbortController().signal;

describe('delegated binds', () => {
  it('signs a user on through the source that owns the name and presents its entry for Who am I?', async () => {
    const ad = new RecordingSource('ad', 'example.test', { 'alice@example.test': 'pw' });
    const { auth } = setUp([ad]);
    const outcome = await auth.bind(bind('alice@example.test', 'pw'), signal);
    expect(outcome).toEqual({
      ok: true,
      delayedMs: 0,
      identity: {
        kind: 'user',
        bindName: 'alice@example.test',
        authzId: `dn:entryUUID=alice,ou=ad,${SUFFIX}`,
        source: 'ad',
      },
    });
    expect(ad.binds).toEqual(['alice@example.test']);
  });

  it("passes the backend's refusal on unchanged, diagnostic and all", async () => {
    const ad = new RecordingSource(
      'ad',
      'example.test',
      {},
      {
        ok: false,
        code: 'invalidCredentials',
        diagnostic: '80090308: LdapErr: DSID-0C0903A9, comment: AcceptSecurityContext error, data 533, v1db1',
      },
    );
    const { auth } = setUp([ad]);
    const outcome = await auth.bind(bind('dora@example.test', 'pw'), signal);
    expect(outcome).toMatchObject({ ok: false, code: 'invalidCredentials' });
    expect(!outcome.ok && outcome.diagnostic).toContain('data 533');
  });

  it('passes other verdicts through under their own result names (8, 53, 52)', async () => {
    for (const code of ['strongerAuthRequired', 'unwillingToPerform', 'unavailable'] as const) {
      const ad = new RecordingSource(
        'ad',
        'example.test',
        {},
        { ok: false, code, diagnostic: `said ${code}` },
      );
      const { auth } = setUp([ad]);
      expect(await auth.bind(bind('x@example.test', 'pw'), signal)).toMatchObject({
        ok: false,
        code,
        diagnostic: `said ${code}`,
      });
    }
  });

  it('refuses a name no source owns with 49 after a decoy scrypt, without asking any backend to check a password', async () => {
    const ad = new RecordingSource('ad', 'example.test', { 'alice@example.test': 'pw' });
    const { auth, scrypt } = setUp([ad]);
    for (const name of ['alice', 'example.test\\alice', 'alice@other.test']) {
      expect(await auth.bind(bind(name, 'pw'), signal)).toEqual({
        ok: false,
        code: 'invalidCredentials',
        diagnostic: 'invalid credentials',
        delayedMs: 0,
      });
    }
    expect(ad.binds).toEqual([]);
    expect(ad.decoyPasswords).toEqual([]);
    // No account is configured: the decoy costs what `dirbridge hash-password` hashes cost.
    expect(scrypt).toEqual(Array(3).fill(DEFAULT_COST));
  });

  it('checks the password of a name a source looked up and did not find against its decoy login', async () => {
    const domino = new RecordingSource('domino', 'acme.example', {}, undefined);
    domino.searches = true;
    const { auth, scrypt } = setUp([domino]);
    const unknown = await auth.bind(bind('Nobody Atall', 'guess'), signal);
    const wrong = await auth.bind(bind('anna@acme.example', 'guess'), signal);
    // The backend's refusal, word for word, for the name nobody has and for a wrong password.
    expect(unknown).toEqual(wrong);
    expect(domino.decoyPasswords).toEqual(['guess']);
    expect(domino.binds).toEqual(['anna@acme.example']);
    // And each paid the one scrypt every refused password pays (no account: the default cost).
    expect(scrypt).toEqual([DEFAULT_COST, DEFAULT_COST]);
  });

  it('makes a refused password of a source cost the scrypt a local account’s wrong password costs', async () => {
    const ad = new RecordingSource('ad', 'example.test', { 'alice@example.test': 'pw' });
    const { auth, scrypt } = setUp([ad], {
      accounts: [{ name: 'pbx', passwordHash: CHEAP_HASH, read: 'all', sensitive: [] }],
    });
    await auth.bind(bind('pbx', 'guess'), signal);
    await auth.bind(bind('alice@example.test', 'guess'), signal);
    await auth.bind(bind('nobody', 'guess'), signal);
    expect(scrypt).toEqual(Array(3).fill({ N: 1024, r: 8, p: 1 }));
    // A success pays nothing more than the backend's bind.
    scrypt.length = 0;
    expect(await auth.bind(bind('alice@example.test', 'pw'), signal)).toMatchObject({ ok: true });
    expect(scrypt).toEqual([]);
  });

  it('never signs anyone on through a decoy login, whatever the backend answers', async () => {
    const lenient = new RecordingSource('domino', 'acme.example', {}, { ok: true });
    lenient.searches = true;
    const { auth } = setUp([lenient]);
    expect(await auth.bind(bind('Nobody Atall', 'guess'), signal)).toMatchObject({
      ok: false,
      code: 'invalidCredentials',
    });
    expect(lenient.decoyPasswords).toEqual(['guess']);
  });

  it('asks later sources after a decoy, and spends no decoy bind on a name one of them owns', async () => {
    const domino = new RecordingSource('domino', 'acme.example', {});
    domino.searches = true;
    const ad = new RecordingSource('ad', 'example.test', { 'alice@example.test': 'pw' });
    const { auth, scrypt } = setUp([domino, ad]);
    const outcome = await auth.bind(bind('alice@example.test', 'pw'), signal);
    expect(outcome).toMatchObject({ ok: true, identity: { source: 'ad' } });
    expect(domino.asked).toEqual(['alice@example.test']);
    expect(domino.decoyPasswords).toEqual([]);
    expect(ad.binds).toEqual(['alice@example.test']);
    expect(scrypt).toEqual([]);
    // A name neither owns: Domino's decoy bind, once, and the decoy scrypt.
    await auth.bind(bind('Nobody Atall', 'guess'), signal);
    expect(ad.asked).toContain('Nobody Atall');
    expect(domino.decoyPasswords).toEqual(['guess']);
    expect(scrypt).toEqual([DEFAULT_COST]);
  });

  it('takes a decoy login for a presented DN as it takes one for a name', async () => {
    const domino = new RecordingSource('domino', 'acme.example', { 'anna@acme.example': 'pw' });
    domino.records = ['anna'];
    const { auth, scrypt } = setUp([domino]);
    expect(await auth.bind(bind(`entryUUID=anna,ou=domino,${SUFFIX}`, 'pw'), signal)).toMatchObject({
      ok: true,
    });
    expect(await auth.bind(bind(`entryUUID=gone,ou=domino,${SUFFIX}`, 'guess'), signal)).toMatchObject({
      ok: false,
      code: 'invalidCredentials',
    });
    expect(domino.decoyPasswords).toEqual(['guess']);
    expect(scrypt).toEqual([DEFAULT_COST]);
  });

  it('refuses an empty password without asking the source anything', async () => {
    const ad = new RecordingSource('ad', 'example.test', {});
    const { auth } = setUp([ad]);
    expect(await auth.bind(bind('alice@example.test', ''), signal)).toMatchObject({
      ok: false,
      code: 'invalidCredentials',
    });
    expect(ad.asked).toEqual([]);
  });

  it('refuses a password over plain LDAP from an untrusted address before asking anyone', async () => {
    const ad = new RecordingSource('ad', 'example.test', { 'alice@example.test': 'pw' });
    const { auth } = setUp([ad]);
    const outcome = await auth.bind(bind('alice@example.test', 'pw', '203.0.113.9', false), signal);
    expect(outcome).toMatchObject({ ok: false, code: 'strongerAuthRequired' });
    expect(ad.asked).toEqual([]);
  });

  it('lets config order decide when two sources could own a name', async () => {
    const first = new RecordingSource('ad', 'example.test', { 'alice@example.test': 'pw' });
    const second = new RecordingSource('domino', 'example.test', { 'alice@example.test': 'pw' });
    const { auth } = setUp([first, second]);
    const outcome = await auth.bind(bind('alice@example.test', 'pw'), signal);
    expect(outcome).toMatchObject({ ok: true, identity: { source: 'ad' } });
    expect(second.asked).toEqual([]);
  });

  it('answers 52 when a source that must be asked cannot say whose the name is', async () => {
    const ad = new RecordingSource('ad', 'example.test', {});
    ad.down = true;
    const { auth } = setUp([ad]);
    const outcome = await auth.bind(bind('alice@example.test', 'pw'), signal);
    expect(outcome).toMatchObject({ ok: false, code: 'unavailable' });
    expect(!outcome.ok && outcome.diagnostic).toContain('refused');
  });

  it("routes a presented DN to its own source, which binds the record's account", async () => {
    const ad = new RecordingSource('ad', 'example.test', { 'bob@example.test': 'pw' });
    const { auth } = setUp([ad]);
    const dn = `entryUUID=bob,ou=ad,${SUFFIX}`;
    const outcome = await auth.bind(bind(dn, 'pw'), signal);
    expect(outcome).toMatchObject({ ok: true, identity: { authzId: `dn:${dn}`, bindName: dn } });
    expect(ad.binds).toEqual(['bob@example.test']);
    expect(ad.asked).toEqual([]);
  });

  it('does not route a presented DN of a mount that does not sign on', async () => {
    const ad = new RecordingSource('ad', 'example.test', {});
    const { auth } = setUp([ad]);
    const outcome = await auth.bind(bind(`entryUUID=bob,ou=demo,${SUFFIX}`, 'pw'), signal);
    expect(outcome).toMatchObject({ ok: false, code: 'invalidCredentials' });
    expect(ad.binds).toEqual([]);
  });

  it('throttles failures per login, and each failed bind reaches the backend exactly once', async () => {
    const ad = new RecordingSource('ad', 'example.test', {
      'alice@example.test': 'pw',
      'bob@example.test': 'pw',
    });
    // Through the PBX, as sign-ons come: its address is trusted, so only the login is counted.
    const { auth, waits } = setUp([ad], { trustedAddresses: ['203.0.113.0/24'] });
    for (let i = 0; i < 3; i++) await auth.bind(bind('alice@example.test', 'wrong'), signal);
    expect(ad.binds).toEqual(['alice@example.test', 'alice@example.test', 'alice@example.test']);
    expect(waits).toEqual([1000]);
    // Another user of the same source is not slowed down by alice's mistakes.
    expect(await auth.bind(bind('bob@example.test', 'pw'), signal)).toMatchObject({ ok: true, delayedMs: 0 });
  });

  it('does not count a backend that is down as a wrong password', async () => {
    const ad = new RecordingSource(
      'ad',
      'example.test',
      {},
      { ok: false, code: 'unavailable', diagnostic: 'down' },
    );
    const { auth, waits } = setUp([ad]);
    for (let i = 0; i < 4; i++) await auth.bind(bind('alice@example.test', 'pw'), signal);
    expect(waits).toEqual([]);
  });

  it('counts names nobody owns per untrusted address', async () => {
    const ad = new RecordingSource('ad', 'example.test', {});
    const { auth, waits } = setUp([ad]);
    for (let i = 0; i < 4; i++) await auth.bind(bind(`nobody${i}`, 'pw'), signal);
    expect(waits).toEqual([1000]);
  });

  it("counts a source's refused passwords per untrusted address too, so the address's delay does not tell which names exist", async () => {
    const domino = new RecordingSource('domino', 'acme.example', { 'anna@acme.example': 'pw' });
    domino.searches = true;
    const { auth, waits } = setUp([domino]);
    for (const name of ['anna@acme.example', 'bert@acme.example', 'carl@acme.example']) {
      await auth.bind(bind(name, 'wrong'), signal);
    }
    expect(waits).toEqual([]);
    // Past addressFailures (3): a name a source owns waits as long as a name nobody has.
    const owned = await auth.bind(bind('dora@acme.example', 'wrong'), signal);
    const nobody = await auth.bind(bind('Nobody Atall', 'wrong'), signal);
    expect(owned.delayedMs).toBe(1000);
    expect(nobody.delayedMs).toBe(2000);
    // And from a trusted address, the PBX's, nothing is counted per address.
    const trusted = setUp([domino], { trustedAddresses: ['203.0.113.0/24'] });
    for (let i = 0; i < 5; i++) await trusted.auth.bind(bind(`user${i}@acme.example`, 'wrong'), signal);
    expect(trusted.waits).toEqual([]);
  });

  it('counts a name nobody owns per name too, from a trusted address as well, like a login', async () => {
    const domino = new RecordingSource('domino', 'acme.example', {});
    domino.searches = true;
    const { auth } = setUp([domino], { trustedAddresses: ['203.0.113.0/24'] });
    const delays = async (name: string): Promise<number[]> => {
      const result: number[] = [];
      for (let i = 0; i < 4; i++) result.push((await auth.bind(bind(name, 'wrong'), signal)).delayedMs);
      return result;
    };
    expect(await delays('anna@acme.example')).toEqual([0, 0, 1000, 2000]);
    expect(await delays('Nobody Atall')).toEqual([0, 0, 1000, 2000]);
  });

  it('counts a name under its own spelling, not under the person a lookup found: failing one name of a person does not slow another', async () => {
    const domino = new RecordingSource('domino', 'acme.example', {});
    domino.searches = true;
    domino.aliases = { 'anna schmidt': 'anna@acme.example' };
    const { auth } = setUp([domino], { trustedAddresses: ['203.0.113.0/24'] });
    for (let i = 0; i < 2; i++) await auth.bind(bind('anna@acme.example', 'wrong'), signal);
    expect((await auth.bind(bind('anna@acme.example', 'wrong'), signal)).delayedMs).toBe(1000);
    // Were Anna Schmidt held back now, the delay would tell that the name is anna's, so exists.
    const alias = await auth.bind(bind('Anna Schmidt', 'wrong'), signal);
    const nobody = await auth.bind(bind('Nobody Atall', 'wrong'), signal);
    expect(alias.delayedMs).toBe(0);
    expect(alias.delayedMs).toBe(nobody.delayedMs);
    expect(domino.binds).toContain('anna@acme.example');
  });

  it('counts every spelling of a DN alike, whether or not a lookup finds anyone by it', async () => {
    const domino = new RecordingSource('domino', 'acme.example', {});
    domino.searches = true;
    domino.aliases = { 'cn=anna schmidt,o=acme': 'cn=Anna Schmidt,o=Acme' };
    const { auth } = setUp([domino], { trustedAddresses: ['203.0.113.0/24'] });
    const delayAfterOtherSpelling = async (first: string, second: string): Promise<number> => {
      for (let i = 0; i < 2; i++) await auth.bind(bind(first, 'wrong'), signal);
      return (await auth.bind(bind(second, 'wrong'), signal)).delayedMs;
    };
    const known = await delayAfterOtherSpelling('cn=Anna Schmidt,o=Acme', 'CN=anna schmidt, O=acme');
    const unknown = await delayAfterOtherSpelling('cn=Nobody,o=Acme', 'CN=nobody, O=acme');
    expect(unknown).toBe(1000);
    expect(known).toBe(unknown);
  });

  it('counts names a source claims by their form under the key it gives them, whichever source owns the name', async () => {
    const ad = new RecordingSource('ad', 'example.test', {});
    // user@NETBIOS is NETBIOS\user, whatever case: AD's own rule, no lookup.
    ad.formKeys = (name) => {
      const sam = /^example\\(.+)$/i.exec(name)?.[1] ?? /^(.+)@example$/i.exec(name)?.[1];
      return sam === undefined ? undefined : `example\\${sam.toLowerCase()}`;
    };
    ad.aliases = { 'example\\alice': 'EXAMPLE\\alice', 'alice@example': 'EXAMPLE\\alice' };
    const domino = new RecordingSource('domino', 'acme.example', {});
    domino.searches = true;
    // Domino comes first and finds one of the forms (someone's odd short name): the key is AD's still.
    domino.aliases = { 'alice@example': 'someone@acme.example' };
    const { auth } = setUp([domino, ad], { trustedAddresses: ['203.0.113.0/24'] });
    for (let i = 0; i < 2; i++) await auth.bind(bind('EXAMPLE\\alice', 'wrong'), signal);
    expect((await auth.bind(bind('alice@EXAMPLE', 'wrong'), signal)).delayedMs).toBe(1000);
    expect((await auth.bind(bind('example\\ALICE', 'wrong'), signal)).delayedMs).toBe(2000);
    // A UPN is not NETBIOS\sam (its prefix need not be the sAMAccountName): a key of its own.
    expect((await auth.bind(bind('alice@example.test', 'wrong'), signal)).delayedMs).toBe(0);
  });

  it('answers 52 when a source cannot tell the key of a name (its naming cannot be read)', async () => {
    const ad = new RecordingSource('ad', 'example.test', {});
    ad.loginKey = () => Promise.reject(new Error('source ad: cannot read the naming: connect: refused'));
    const { auth } = setUp([ad]);
    const outcome = await auth.bind(bind('alice@example.test', 'pw'), signal);
    expect(outcome).toMatchObject({ ok: false, code: 'unavailable' });
    expect(!outcome.ok && outcome.diagnostic).toContain('refused');
    expect(ad.binds).toEqual([]);
  });

  it('answers busy without asking the backend while the scrypt queue is full, for a name a source owns as for one nobody has', async () => {
    const domino = new RecordingSource('domino', 'acme.example', { 'anna@acme.example': 'pw' });
    domino.searches = true;
    const held: (() => void)[] = [];
    const auth = new Authenticator({
      access: access(),
      suffix: SUFFIX,
      signOn: new SignOn([{ mount: 'domino', source: domino as unknown as Source }], ENTRIES),
      now: () => 0,
      sleep: () => Promise.resolve(),
      // Every scrypt is held until the end, so the first two binds fill the queue (one runs, one waits).
      verifier: () => new Promise((resolve) => held.push(() => resolve(false))),
      scrypt: { running: 1, waiting: 1 },
    });
    const filling: Promise<unknown>[] = [];
    for (const [i, name] of ['bert@acme.example', 'carl@acme.example'].entries()) {
      filling.push(auth.bind(bind(name, 'wrong', `198.51.100.${i + 1}`), signal));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const owned = await auth.bind(bind('anna@acme.example', 'pw', '198.51.100.3'), signal);
    const nobody = await auth.bind(bind('Nobody Atall', 'pw', '198.51.100.4'), signal);
    expect(owned).toMatchObject({ ok: false, code: 'busy' });
    expect(nobody).toEqual(owned);
    // Neither reached the backend: no bind is spent on an answer that is busy anyway.
    expect(domino.binds).toEqual(['bert@acme.example', 'carl@acme.example']);
    expect(domino.decoyPasswords).toEqual([]);
    while (held.length > 0) {
      held.shift()!();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(filling);
  });

  it('answers Who am I? with u:<name> when the source cannot tell which entry signed on', async () => {
    const ad = new RecordingSource('ad', 'example.test', {}, { ok: true });
    const { auth } = setUp([ad]);
    expect(await auth.bind(bind('carl@example.test', 'pw'), signal)).toMatchObject({
      ok: true,
      identity: { authzId: 'u:carl@example.test' },
    });
  });
});
