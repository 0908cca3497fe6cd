/**
 * `phoneNumbers[].canonicalForm`: the E.164 form Google adds when it can read a number, absent
 * when it cannot. National numbers are read in the domain's region. The "max" metadata is used so
 * that an internal extension such as `4711` is not taken for a valid number.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

const cache = new Map<string, string | undefined>();

export function canonicalForm(value: string, region: CountryCode): string | undefined {
  const key = `${region}\u0000${value}`;
  if (cache.has(key)) return cache.get(key);
  const parsed = parsePhoneNumberFromString(value, region);
  const canonical = parsed?.isValid() === true ? parsed.number : undefined;
  cache.set(key, canonical);
  return canonical;
}
