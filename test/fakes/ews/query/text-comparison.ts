/**
 * String comparison as a restriction's ContainmentComparison asks for it: case and/or non-spacing
 * characters (accents) ignored or not. The four "Loose" values all mean the same (the EWS Managed API
 * maps them to IgnoreCaseAndNonSpacingCharacters): both ignored.
 */
export interface Folding {
  readonly ignoreCase: boolean;
  readonly ignoreAccents: boolean;
}

export const CASE_INSENSITIVE: Folding = { ignoreCase: true, ignoreAccents: false };
export const LOOSE: Folding = { ignoreCase: true, ignoreAccents: true };

export function foldingFor(containmentComparison: string | undefined): Folding {
  const comparison = containmentComparison ?? 'Exact';
  return {
    ignoreCase: comparison.includes('IgnoreCase') || comparison.startsWith('Loose'),
    ignoreAccents: comparison.includes('NonSpacing') || comparison.startsWith('Loose'),
  };
}

export function fold(value: string, folding: Folding): string {
  let folded = value.normalize('NFC');
  if (folding.ignoreAccents) folded = folded.normalize('NFD').replace(/\p{M}/gu, '').normalize('NFC');
  if (folding.ignoreCase) folded = folded.toLowerCase();
  return folded;
}

/** Words of a value: runs of letters and digits (what "prefix on words" matches against). */
export function wordsOf(value: string): string[] {
  return value.split(/[^\p{L}\p{N}@._'-]+/u).filter((word) => word !== '');
}
