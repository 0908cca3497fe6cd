/**
 * The presented attributes that hold secrets: the WEB and SIP passwords a PBX may import. Withheld
 * from every caller that config does not grant them, never shown in samples, and never written to
 * a log, whichever layer is asking.
 */

/** Lower-cased canonical names. */
export const SENSITIVE_ATTRIBUTES: ReadonlySet<string> = new Set(['userpassword', 'wuserpasswordsip']);

/** Their OIDs (schemas/directory-schema.json), which a filter may name instead. */
export const SENSITIVE_OIDS: ReadonlySet<string> = new Set(['2.5.4.35', '1.3.6.1.4.1.4203.666.11.1.1']);

/** Whether an attribute description (`userPassword;binary`, `2.5.4.35`, any case) names one of them. */
export function isSensitiveAttribute(description: string): boolean {
  const name = description.split(';')[0]!.toLowerCase();
  return SENSITIVE_ATTRIBUTES.has(name) || SENSITIVE_OIDS.has(name);
}
