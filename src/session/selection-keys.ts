/**
 * The key a search's entries are kept under among the encoded entries (selectionKey in
 * encoded-entries.ts), remembered per caller's withheld attributes. Phones ask the same few
 * attributes on every lookup, and building the key anew (a sorted copy of the withheld set, JSON
 * of the whole) cost ~2.5 µs of a caller-ID lookup; and a key that is the same string every time
 * has its hash already computed when it is looked up among the kept entries.
 */
import { selectionKey } from './encoded-entries.js';

/** Keys remembered per withheld set before its map is started afresh: a client inventing lists cannot grow it. */
const KEYS_KEPT = 128;
/** Longer attribute lists get their key made each time: a request may hold one of up to maxRequestBytes. */
const INPUTS_MAX = 1024;

/** Per withheld set (one per kind of caller, src/auth/access-policy.ts): the keys by their inputs. */
const keys = new WeakMap<ReadonlySet<string>, Map<string, string>>();

/** selectionKey(attributes, typesOnly, withheld, view), the same string for the same inputs. */
export function keptSelectionKey(
  attributes: readonly string[],
  typesOnly: boolean,
  withheld: ReadonlySet<string>,
  view: string | undefined,
): string {
  const inputs = inputsOf(attributes, typesOnly, view);
  if (inputs.length > INPUTS_MAX) return selectionKey(attributes, typesOnly, withheld, view);
  let kept = keys.get(withheld);
  if (kept === undefined) keys.set(withheld, (kept = new Map<string, string>()));
  let key = kept.get(inputs);
  if (key === undefined) {
    key = selectionKey(attributes, typesOnly, withheld, view);
    if (kept.size >= KEYS_KEPT) kept.clear();
    kept.set(inputs, key);
  }
  return key;
}

/** The inputs besides the withheld set as one string, each part preceded by its length: no two alike. */
function inputsOf(attributes: readonly string[], typesOnly: boolean, view: string | undefined): string {
  let text = `${typesOnly ? 't' : 'f'}${view === undefined ? '-' : `${view.length}:${view}`}`;
  for (const attribute of attributes) text += `${attribute.length}:${attribute}`;
  return text;
}
