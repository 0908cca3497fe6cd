/**
 * Who may read what (DESIGN.md "Binds"): anonymous searches are refused unless config allows them,
 * except for the root DSE and the schema, which every LDAP client needs to read.
 */
import type { AccessConfig } from '../config/types.js';
import { isAnonymous, type Identity } from './identity.js';

export class AccessPolicy {
  constructor(private readonly config: AccessConfig) {}

  /** Whether `identity` may read below `base`; `publicBase` is true for the root DSE and schema. */
  mayRead(identity: Identity, publicBase: boolean): boolean {
    if (publicBase) return true;
    return isAnonymous(identity) ? this.config.anonymous : false;
  }
}
