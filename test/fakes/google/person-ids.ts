/**
 * Resource names as Google forms them: a directory profile is `people/` plus a 21-digit number
 * (its source id is the same number); a contact is `people/c<decimal>` and its source id is that
 * number in hex; an "other contact" is `otherContacts/c<decimal>`. Numbers are handed out in a
 * fixed sequence so two fakes seeded alike name their people alike.
 */
import type { PersonSourceType } from './person-record.js';

export interface PersonIdentity {
  readonly resourceName: string;
  readonly sourceId: string;
}

const PROFILE_BASE = 100_000_000_000_000_000_000n;
const CONTACT_BASE = 0x1000_0000_0000_0000n;
// A large odd step spreads the numbers like real ones; modulo 2^63 keeps them positive longs.
const CONTACT_STEP = 0x9e37_79b9_7f4a_7c15n;
const LONG = 1n << 63n;

export class PersonIds {
  private profiles = 0n;
  private contacts = 0n;

  next(sourceType: PersonSourceType): PersonIdentity {
    if (sourceType === 'DOMAIN_PROFILE') {
      this.profiles += 1n;
      const id = (PROFILE_BASE + this.profiles * 7919n).toString();
      return { resourceName: `people/${id}`, sourceId: id };
    }
    this.contacts += 1n;
    const number = (CONTACT_BASE + this.contacts * CONTACT_STEP) % LONG;
    const prefix = sourceType === 'OTHER_CONTACT' ? 'otherContacts' : 'people';
    return { resourceName: `${prefix}/c${number.toString()}`, sourceId: number.toString(16) };
  }
}
