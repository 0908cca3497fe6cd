/**
 * Single sign-on (DESIGN.md "Binds"): which source owns a bind name, and the verdict of its backend.
 * Sources are asked in config order and the first that claims a name owns it, so config order
 * decides between two sources that could both own a name. A DN of an entry dirbridge presents
 * belongs to the source it comes from. auth/ holds no backend knowledge: the sources decide.
 */
import type { AuthVerdict, LoginRef, Source, SourceRecord } from '../sources/source.js';

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

export type Ownership =
  | { readonly kind: 'owned'; readonly owner: SignOnSource; readonly login: LoginRef }
  | { readonly kind: 'unowned' }
  /** A source that must be asked could not answer: nobody can say whose the name is. */
  | { readonly kind: 'unknown'; readonly diagnostic: string };

export type SignOnResult =
  { readonly ok: true; readonly authzId: string | undefined } | Extract<AuthVerdict, { ok: false }>;

export class SignOn {
  constructor(
    private readonly sources: readonly SignOnSource[],
    private readonly entries: PresentedEntries,
  ) {}

  get enabled(): boolean {
    return this.sources.length > 0;
  }

  async owner(name: string, signal: AbortSignal): Promise<Ownership> {
    const presented = this.entries.entryOf(name);
    if (presented) return this.#ownerOfEntry(presented.mount, presented.recordId, signal);
    for (const owner of this.sources) {
      let login: LoginRef | undefined;
      try {
        login = await owner.source.resolveLogin?.(name, signal);
      } catch (error) {
        signal.throwIfAborted();
        return { kind: 'unknown', diagnostic: error instanceof Error ? error.message : String(error) };
      }
      if (login) return { kind: 'owned', owner, login };
    }
    return { kind: 'unowned' };
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
      return login ? { kind: 'owned', owner, login } : { kind: 'unowned' };
    } catch (error) {
      signal.throwIfAborted();
      return { kind: 'unknown', diagnostic: error instanceof Error ? error.message : String(error) };
    }
  }
}
