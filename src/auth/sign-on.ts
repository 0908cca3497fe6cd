/**
 * Single sign-on (DESIGN.md "Binds"): which source owns a bind name, and the verdict of its backend.
 * Sources are asked in config order and the first that claims a name owns it, so config order
 * decides between two sources that could both own a name. A DN of an entry dirbridge presents
 * belongs to the source it comes from. auth/ holds no backend knowledge: the sources decide.
 *
 * A source that had to ask its backend about a name (Domino searches for it) and found nobody
 * answers with a decoy login instead of nothing: the name stays unowned, later sources are still
 * asked, and if none owns it the password is checked against the decoy, a bind the backend refuses.
 * So a name nobody has costs the backend search and the bind that a wrong password costs, and its
 * answer comes no sooner.
 */
import type { AuthVerdict, LoginRef, Source, SourceRecord } from '../sources/source.js';
import { sourceLoginKey } from './login-key.js';

/** A mounted source whose users may sign on. */
export interface SignOnSource {
  /** Its mount name (the source's name). */
  readonly mount: string;
  readonly source: Source;
}

/** What the directory tells sign-on about presented entries. */
export interface PresentedEntries {
  /** The mount and record a presented DN names, or undefined when it names no entry. */
  entryOf(dn: string): { readonly mount: string; readonly recordId: string } | undefined;
  /** The presented DN of a record of a mount. */
  dnOf(mount: string, record: SourceRecord): string;
}

/** A decoy login (LoginRef.decoy) and the source that gave it. */
export interface Decoy {
  readonly owner: SignOnSource;
  readonly login: LoginRef;
}

export type Ownership =
  | { readonly kind: 'owned'; readonly owner: SignOnSource; readonly login: LoginRef }
  /** `decoy`: a source looked the name up and found nobody; check the password against it. */
  | { readonly kind: 'unowned'; readonly decoy?: Decoy }
  /** A source that must be asked could not answer: nobody can say whose the name is. */
  | { readonly kind: 'unknown'; readonly diagnostic: string };

export type Refusal = Extract<AuthVerdict, { ok: false }>;

export type SignOnResult = { readonly ok: true; readonly authzId: string | undefined } | Refusal;

/** What a decoy answers should its backend ever accept the made-up account: still a refusal. */
const DECOY_REFUSAL: Refusal = { ok: false, code: 'invalidCredentials', diagnostic: 'invalid credentials' };

export class SignOn {
  constructor(
    private readonly sources: readonly SignOnSource[],
    private readonly entries: PresentedEntries,
  ) {}

  get enabled(): boolean {
    return this.sources.length > 0;
  }

  /**
   * The throttle's key for a bind name as the first source that claims it by its form alone spells
   * it (Source.loginKey), or undefined when none does. No backend is asked about the name, so the
   * key is the same whether or not anyone has it, and whichever source turns out to own it.
   * Throws when a source cannot tell (AD's naming cannot be read yet).
   */
  async loginKey(name: string, signal: AbortSignal): Promise<string | undefined> {
    for (const { mount, source } of this.sources) {
      const key = await source.loginKey?.(name, signal);
      if (key !== undefined) return sourceLoginKey(mount, key);
    }
    return undefined;
  }

  async owner(name: string, signal: AbortSignal): Promise<Ownership> {
    const presented = this.entries.entryOf(name);
    if (presented) return this.#ownerOfEntry(presented.mount, presented.recordId, signal);
    // One decoy bind, at the last source that looked the name up: a name that source owned would
    // have cost every lookup made so far and one bind.
    let decoy: Decoy | undefined;
    for (const owner of this.sources) {
      let login: LoginRef | undefined;
      try {
        login = await owner.source.resolveLogin?.(name, signal);
      } catch (error) {
        signal.throwIfAborted();
        return { kind: 'unknown', diagnostic: error instanceof Error ? error.message : String(error) };
      }
      if (login?.decoy) decoy = { owner, login };
      else if (login) return { kind: 'owned', owner, login };
    }
    return decoy ? { kind: 'unowned', decoy } : { kind: 'unowned' };
  }

  /**
   * Checks the password against a decoy login: the backend bind a wrong password costs. Its refusal
   * is the answer, with the backend's own diagnostic, as a wrong password's would be.
   */
  async verifyDecoy(decoy: Decoy, password: string, signal: AbortSignal): Promise<Refusal> {
    const verdict = await decoy.owner.source.authenticate?.(decoy.login, password, signal);
    return verdict === undefined || verdict.ok ? DECOY_REFUSAL : verdict;
  }

  /** Asks the owning backend; on success, the Who am I? answer (`dn:` of the presented entry). */
  async verify(
    ownership: Extract<Ownership, { kind: 'owned' }>,
    password: string,
    signal: AbortSignal,
  ): Promise<SignOnResult> {
    const { owner, login } = ownership;
    if (!owner.source.authenticate) {
      return {
        ok: false,
        code: 'unwillingToPerform',
        diagnostic: `source ${owner.mount} cannot sign users on`,
      };
    }
    const verdict = await owner.source.authenticate(login, password, signal);
    if (!verdict.ok) return verdict;
    const record = verdict.record;
    return { ok: true, authzId: record ? `dn:${this.entries.dnOf(owner.mount, record)}` : undefined };
  }

  async #ownerOfEntry(mount: string, recordId: string, signal: AbortSignal): Promise<Ownership> {
    const owner = this.sources.find((s) => s.mount === mount);
    if (!owner?.source.loginOfRecord) return { kind: 'unowned' };
    try {
      const login = await owner.source.loginOfRecord(recordId, signal);
      if (login?.decoy) return { kind: 'unowned', decoy: { owner, login } };
      return login ? { kind: 'owned', owner, login } : { kind: 'unowned' };
    } catch (error) {
      signal.throwIfAborted();
      return { kind: 'unknown', diagnostic: error instanceof Error ? error.message : String(error) };
    }
  }
}
