/**
 * The item shape the source asks EWS for: every property of contact-fields.ts. The library refuses
 * the PhoneNumbers, EmailAddresses and PhysicalAddresses dictionaries as a whole in an item shape
 * (CLOUD-APIS §3.2), so each entry is asked for as its indexed property (`contacts:PhoneNumber`
 * with FieldIndex `BusinessPhone`, ...): every phone key, the three e-mail addresses and the parts
 * of the three postal addresses.
 */
import {
  BasePropertySet,
  ContactSchema,
  IndexedPropertyDefinition,
  PropertySet,
  type PropertyDefinitionBase,
} from 'ews-javascript-api';
import {
  ADDRESS_KEYS,
  ADDRESS_PARTS,
  addressField,
  EMAIL_KEYS,
  PHONE_KEYS,
  TEXT_PROPERTIES,
} from './contact-fields.js';

const schema = ContactSchema as unknown as Record<string, PropertyDefinitionBase>;
/** The library's typings hide the constructor ContactSchema itself calls with (field URI, index). */
const IndexedDefinition = IndexedPropertyDefinition as unknown as new (
  uri: string,
  index: string,
) => PropertyDefinitionBase;

/**
 * ContactSchema's definition of a property; for the phone keys it has none of (Callback, Isdn and
 * Telex, though PhoneNumberKey names them), one made the way ContactSchema makes the others.
 */
function definition(name: string): PropertyDefinitionBase {
  const found = schema[name];
  if (found !== undefined) return found;
  if ((PHONE_KEYS as readonly string[]).includes(name))
    return new IndexedDefinition('contacts:PhoneNumber', name);
  throw new Error(`ews-javascript-api has no ContactSchema.${name}`);
}

/** What SyncFolderItems and FindItem ask for: the id, then every property above. */
export function contactPropertySet(): PropertySet {
  return new PropertySet(BasePropertySet.IdOnly, [
    ...TEXT_PROPERTIES.map(definition),
    ...EMAIL_KEYS.map(definition),
    ...PHONE_KEYS.map(definition),
    ...ADDRESS_KEYS.flatMap((key) => ADDRESS_PARTS.map((part) => definition(addressField(key, part)))),
  ]);
}
