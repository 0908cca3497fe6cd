/**
 * RFC 4512 object class descriptions (4.1.1) and DIT content rule descriptions (4.1.6), as servers
 * publish them in their subschema entry. Both have the same shape, `( oid KEYWORD value ... )`, so
 * one parser reads either. It reads what servers actually send, which is looser than the grammar:
 * `MUST (cn )` without a space after the parenthesis (Samba), single values without parentheses
 * (OpenLDAP), quoted OIDs, lists without `$`. Anything it cannot make sense of gives undefined, never
 * an exception: this is backend data.
 */

export type ObjectClassKind = 'abstract' | 'structural' | 'auxiliary';

export interface ObjectClassDescription {
  readonly oid: string;
  readonly names: readonly string[];
  readonly description?: string;
  readonly obsolete: boolean;
  /** SUP: superclasses, by name or OID. */
  readonly superiors: readonly string[];
  /** Absent in DIT content rules, and in object classes that leave the default (structural) unsaid. */
  readonly kind?: ObjectClassKind;
  readonly must: readonly string[];
  readonly may: readonly string[];
  /** AUX: auxiliary classes an entry of this class may have (DIT content rules; AD serves them there). */
  readonly auxiliaries: readonly string[];
  /** NOT: attributes a DIT content rule precludes. */
  readonly precluded: readonly string[];
}

type Token =
  | { readonly kind: 'open' | 'close' | 'dollar' }
  | { readonly kind: 'word' | 'quoted'; readonly text: string };

const KINDS: Readonly<Record<string, ObjectClassKind>> = {
  ABSTRACT: 'abstract',
  STRUCTURAL: 'structural',
  AUXILIARY: 'auxiliary',
};

const LISTS = {
  NAME: 'names',
  SUP: 'superiors',
  MUST: 'must',
  MAY: 'may',
  AUX: 'auxiliaries',
  NOT: 'precluded',
} as const;
type ListField = (typeof LISTS)[keyof typeof LISTS];

/** One description, or undefined when it is not one (truncated, unbalanced, no OID). */
export function parseObjectClassDescription(text: string): ObjectClassDescription | undefined {
  const tokens = tokenize(text);
  if (tokens === undefined) return undefined;
  const reader = new TokenReader(tokens);
  if (reader.next()?.kind !== 'open') return undefined;
  const oid = reader.next();
  if (oid?.kind !== 'word' && oid?.kind !== 'quoted') return undefined;
  const fields = new Fields();
  for (;;) {
    const token = reader.next();
    if (token === undefined) return undefined; // no closing parenthesis: truncated
    if (token.kind === 'close') return fields.description(oid.text);
    if (token.kind !== 'word' || !fields.read(token.text.toUpperCase(), reader)) return undefined;
  }
}

/** The fields of one description as they are read, keyword by keyword. */
class Fields {
  readonly #lists: Record<ListField, string[]> = {
    names: [],
    superiors: [],
    must: [],
    may: [],
    auxiliaries: [],
    precluded: [],
  };
  #description: string | undefined;
  #obsolete = false;
  #kind: ObjectClassKind | undefined;

  /** Reads one keyword's value; false when the value is missing or malformed. */
  read(keyword: string, reader: TokenReader): boolean {
    if (keyword === 'OBSOLETE') this.#obsolete = true;
    else if (Object.hasOwn(KINDS, keyword)) this.#kind = KINDS[keyword];
    else if (keyword === 'DESC') {
      const [description] = reader.values() ?? [];
      if (description === undefined) return false;
      this.#description = description;
    } else if (Object.hasOwn(LISTS, keyword)) {
      const values = reader.values();
      if (values === undefined) return false;
      this.#lists[LISTS[keyword as keyof typeof LISTS]].push(...values);
    } else if (reader.peekValue()) {
      // X- extensions, and keywords of later revisions: their value is skipped
      return reader.values() !== undefined;
    }
    return true;
  }

  description(oid: string): ObjectClassDescription {
    return {
      oid,
      ...this.#lists,
      ...(this.#description === undefined ? {} : { description: this.#description }),
      obsolete: this.#obsolete,
      ...(this.#kind === undefined ? {} : { kind: this.#kind }),
    };
  }
}

class TokenReader {
  #at = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  next(): Token | undefined {
    return this.tokens[this.#at++];
  }

  /** Whether a value (a word, a quoted string or a parenthesised list) comes next. */
  peekValue(): boolean {
    const token = this.tokens[this.#at];
    return token?.kind === 'quoted' || token?.kind === 'open';
  }

  /** A single value or a parenthesised list of them; undefined when neither comes next. */
  values(): string[] | undefined {
    const first = this.next();
    if (first?.kind === 'word' || first?.kind === 'quoted') return [first.text];
    if (first?.kind !== 'open') return undefined;
    const values: string[] = [];
    for (;;) {
      const token = this.next();
      if (token === undefined) return undefined;
      if (token.kind === 'close') return values;
      if (token.kind === 'word' || token.kind === 'quoted') values.push(token.text);
      else if (token.kind === 'open') return undefined;
    }
  }
}

/** Tokens of a description; undefined when a quoted string is not closed. */
function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  // No two alternatives match the same text, so a hostile description cannot make it backtrack.
  const pattern = /\s*(?:(\()|(\))|(\$)|'((?:[^'\\]|\\[^])*)'|([^\s()$']+))/y;
  let at = 0;
  while (at < text.length) {
    pattern.lastIndex = at;
    const match = pattern.exec(text);
    if (match === null) {
      if (text.slice(at).trim() === '') break;
      return undefined; // an unclosed quote
    }
    at = pattern.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'open' });
    else if (match[2] !== undefined) tokens.push({ kind: 'close' });
    else if (match[3] !== undefined) tokens.push({ kind: 'dollar' });
    else if (match[4] !== undefined) tokens.push({ kind: 'quoted', text: unescape(match[4]) });
    else tokens.push({ kind: 'word', text: match[5]! });
  }
  return tokens;
}

/**
 * RFC 4512 qdstring escapes: `\27` is `'`, `\5C` is `\`, and a run of them may spell UTF-8 bytes. A
 * backslash before any other character (`\'`, which some servers write) stands for that character.
 */
function unescape(quoted: string): string {
  return quoted.replace(
    /(?:\\[0-9a-fA-F]{2})+|\\(.)/g,
    (run, other: string | undefined) => other ?? Buffer.from(run.replace(/\\/g, ''), 'hex').toString('utf8'),
  );
}
