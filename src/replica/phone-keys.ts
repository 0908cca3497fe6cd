import type { PhoneForms } from '../schema/phone-number.js';
import { ALL_REACH, CONTAINS, ENDS } from './key-reach.js';
import type { TermsBuilder } from './terms-builder.js';

/**
 * A number's canonical keys (its E.164 form, with and without an extension). The one without the
 * extension sits inside the other, so it needs no trigrams of its own.
 */
export function addPhoneKeys(terms: TermsBuilder, forms: PhoneForms, id: number): void {
  const keys = forms.canonical;
  for (const key of keys) {
    let reach = ALL_REACH;
    for (const other of keys) {
      if (other.length <= key.length) continue;
      if (other.includes(key)) reach &= ~CONTAINS;
      if (other.endsWith(key)) reach &= ~ENDS;
    }
    terms.add(key, id, reach);
  }
}
