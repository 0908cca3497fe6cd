/**
 * Who may read what (DESIGN.md "Binds"). Anonymous binds read nothing unless config allows it
 * (`access.anonymous`); each local account reads the mounts config gives it (`read`, default all)
 * and sees the sensitive attributes (passwords a PBX may import) only where `sensitive` grants them.
 * Users signed on through a source read what `access.signedOn.read` gives them, by default the
 * mount of that source, and never a sensitive attribute.
 * The root DSE and the schema are readable by everyone: every LDAP client needs them.
 */
import type { AccessConfig, AccountConfig, ReadGrant } from '../config/types.js';
import type { Visibility } from '../directory/visibility.js';
import { SENSITIVE_ATTRIBUTES } from '../schema/sensitive-attributes.js';
import type { Identity } from './identity.js';

export type ReadDecision =
  | { readonly allowed: true; readonly visibility: Visibility }
  | { readonly allowed: false; readonly diagnostic: string };

/** What a caller without read rights sees below a public base: no mount, no secrets. */
const NOTHING: Visibility = { mounts: new Set(), withheld: SENSITIVE_ATTRIBUTES };

export class AccessPolicy {
  readonly #anonymous: Visibility;
  /** Lower-cased account name -> what it sees; built once, so a search allocates nothing for this. */
  readonly #accounts = new Map<string, Visibility>();
  /** Configured read rights of signed-on users; undefined: each reads its own source's mount. */
  readonly #signedOn: Visibility | undefined;
  readonly #ownMount = new Map<string, Visibility>();

  constructor(config: AccessConfig) {
    this.#anonymous = anonymousVisibility(config.anonymous);
    const signedOnRead = config.signedOn.read;
    this.#signedOn =
      signedOnRead === undefined
        ? undefined
        : { mounts: mountsOf(signedOnRead), withheld: SENSITIVE_ATTRIBUTES };
    for (const account of config.accounts)
      this.#accounts.set(account.name.toLowerCase(), accountVisibility(account));
  }

  /** What `identity` sees of the directory. */
  visibility(identity: Identity): Visibility {
    if (identity.kind === 'anonymous') return this.#anonymous;
    if (identity.kind === 'user') return this.#signedOn ?? this.#userMount(identity.source);
    return this.#accounts.get(identity.account.toLowerCase()) ?? NOTHING;
  }

  #userMount(source: string): Visibility {
    let visibility = this.#ownMount.get(source);
    if (!visibility) {
      visibility = { mounts: new Set([source]), withheld: SENSITIVE_ATTRIBUTES };
      this.#ownMount.set(source, visibility);
    }
    return visibility;
  }

  /**
   * Whether `identity` may search or compare at a base, and what it sees there. `publicBase` is true
   * for the root DSE and the schema; anywhere else the caller must be allowed at least one mount.
   */
  read(identity: Identity, publicBase: boolean, operation: 'search' | 'compare'): ReadDecision {
    const visibility = this.visibility(identity);
    if (publicBase || visibility.mounts === undefined || visibility.mounts.size > 0) {
      return { allowed: true, visibility };
    }
    const diagnostic =
      identity.kind === 'anonymous'
        ? `anonymous ${operation} is not allowed: bind with an account first`
        : identity.kind === 'user'
          ? `${identity.bindName} (signed on through ${identity.source}) may not read any source`
          : `account ${identity.account} may not read any source`;
    return { allowed: false, diagnostic };
  }
}

function anonymousVisibility(setting: AccessConfig['anonymous']): Visibility {
  if (setting === false) return NOTHING;
  return { mounts: mountsOf(setting === true ? 'all' : setting.read), withheld: SENSITIVE_ATTRIBUTES };
}

function accountVisibility(account: AccountConfig): Visibility {
  const granted = new Set(account.sensitive.map((name) => name.toLowerCase()));
  const withheld = new Set([...SENSITIVE_ATTRIBUTES].filter((name) => !granted.has(name)));
  return { mounts: mountsOf(account.read), withheld };
}

/** `all` is every mount, including ones added to config later. */
function mountsOf(grant: ReadGrant): ReadonlySet<string> | undefined {
  return grant === 'all' ? undefined : new Set(grant);
}
