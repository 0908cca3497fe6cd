/**
 * How the People API's search methods match: every word of the query must be a prefix of a word
 * of the person's names, email addresses, phone numbers or organisations ("foo name" is found by
 * "f", "fo n" or "nam", not by "oo"). Case and accents are ignored; phone numbers match on digits.
 */
import type { PersonRecord } from './person-record.js';

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function textWords(record: PersonRecord): string[] {
  const { data } = record;
  const texts = [
    ...(data.names ?? []).flatMap((name) => [name.givenName, name.familyName, name.displayName]),
    ...(data.emailAddresses ?? []).flatMap((email) => [email.value, email.value.split('@')[0]]),
    ...(data.organizations ?? []).flatMap((org) => [org.name, org.title, org.department]),
  ];
  return texts
    .flatMap((text) => (text === undefined ? [] : fold(text).split(/[\s,]+/)))
    .filter((word) => word !== '');
}

/** A query made only of dial characters is a number: its digits must begin a stored number's. */
function matchesNumber(record: PersonRecord, digits: string): boolean {
  return (record.data.phoneNumbers ?? []).some((phone) => phone.value.replace(/\D/g, '').startsWith(digits));
}

export function matchesQuery(record: PersonRecord, query: string): boolean {
  if (/^[\d\s+()\-/.]+$/.test(query) && /\d/.test(query))
    return matchesNumber(record, query.replace(/\D/g, ''));
  const wanted = fold(query)
    .split(/\s+/)
    .filter((word) => word !== '');
  if (wanted.length === 0) return false;
  const own = textWords(record);
  return wanted.every((prefix) => own.some((word) => word.startsWith(prefix)));
}
