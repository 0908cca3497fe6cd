/**
 * Distinguished names (RFC 4514) as text: parsing with every escape form, formatting with the
 * escaping the RFC asks for, and where one DN lies below another. Syntax only, so the directory and
 * the sources (which compare their backends' DNs by their own rules) can both use it; the directory's
 * normalised form, which folds values by the presented schema, is in directory/dn.ts.
 */
/** One attribute value assertion of an RDN: `cn=Anna Müller`. */
export interface Ava {
  readonly type: string;
  readonly value: string;
  /**
   * Set when the value was written as `#<BER hex>` that is not a string dirbridge can decode:
   * `value` then holds that `#hex` text, and formatting writes it back unchanged.
   */
  readonly binary?: boolean;
}

/** A relative distinguished name: one AVA, or several joined with `+`. */
export type Rdn = readonly Ava[];

export class DnSyntaxError extends Error {
  constructor(
    message: string,
    /** Offset in the DN text where the problem was found. */
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'DnSyntaxError';
  }
}

/** Characters escaped with a backslash wherever they occur in a value (RFC 4514 2.4). */
const ALWAYS_ESCAPED = new Set(['"', '+', ',', ';', '<', '>', '\\']);
/** Characters a backslash may escape as themselves (RFC 4514 3, `special`). */
const ESCAPABLE = new Set([...ALWAYS_ESCAPED, ' ', '#', '=']);
const KEYCHAR = /[A-Za-z0-9-]/;
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/** Parses RFC 4514 text (`;` is accepted between RDNs, and quoted values, as RFC 2253 readers did). */
export function parseDn(text: string): Rdn[] {
  return new DnParser(text).parse();
}

/** Formats RDNs as an RFC 4514 string, escaping values as needed. */
export function formatDn(rdns: readonly Rdn[]): string {
  return rdns.map(formatRdn).join(',');
}

export function formatRdn(rdn: Rdn): string {
  return rdn.map((ava) => `${ava.type}=${ava.binary ? ava.value : escapeDnValue(ava.value)}`).join('+');
}

/** Escapes one attribute value for a DN string (RFC 4514 2.4). */
export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i]!;
    if (ALWAYS_ESCAPED.has(char)) out += `\\${char}`;
    else if (char === '\0') out += '\\00';
    else if ((char === ' ' || char === '#') && i === 0) out += `\\${char}`;
    else if (char === ' ' && i === value.length - 1) out += '\\ ';
    else out += char;
  }
  return out;
}

/** Whether a DN lies strictly below another (any depth), both in one normal form. The root DSE is `''`. */
export function isDescendantOf(normalizedChild: string, normalizedParent: string): boolean {
  if (normalizedParent === '') return normalizedChild !== '';
  const boundary = normalizedChild.length - normalizedParent.length - 1;
  return (
    boundary > 0 &&
    normalizedChild.endsWith(normalizedParent) &&
    normalizedChild[boundary] === ',' &&
    !isEscaped(normalizedChild, boundary)
  );
}

/** The parent of a normalised (or any formatted) DN: `''` for a one-RDN DN, undefined for the root. */
export function parentDn(formattedDn: string): string | undefined {
  if (formattedDn === '') return undefined;
  for (let i = formattedDn.indexOf(','); i >= 0; i = formattedDn.indexOf(',', i + 1)) {
    if (!isEscaped(formattedDn, i)) return formattedDn.slice(i + 1);
  }
  return '';
}

/** Whether the character at `index` is escaped: preceded by an odd number of backslashes. */
function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let i = index - 1; i >= 0 && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

class DnParser {
  #position = 0;

  constructor(private readonly text: string) {}

  parse(): Rdn[] {
    const rdns: Rdn[] = [];
    this.#skipSpaces();
    if (this.#atEnd()) return rdns;
    for (;;) {
      rdns.push(this.#rdn());
      this.#skipSpaces();
      if (this.#atEnd()) return rdns;
      const separator = this.#peek();
      if (separator !== ',' && separator !== ';') this.#fail(`expected ',' but found '${separator}'`);
      this.#position++;
      this.#skipSpaces();
      if (this.#atEnd()) this.#fail('expected an RDN after the separator');
    }
  }

  #rdn(): Rdn {
    const avas = [this.#ava()];
    for (this.#skipSpaces(); this.#peek() === '+'; this.#skipSpaces()) {
      this.#position++;
      this.#skipSpaces();
      avas.push(this.#ava());
    }
    return avas;
  }

  #ava(): Ava {
    const type = this.#attributeType();
    this.#skipSpaces();
    if (this.#peek() !== '=') this.#fail(`expected '=' after the attribute type "${type}"`);
    this.#position++;
    this.#skipSpaces();
    const next = this.#peek();
    if (next === '#') return { type, ...this.#hexValue() };
    if (next === '"') return { type, value: this.#quotedValue() };
    return { type, value: this.#stringValue() };
  }

  /** A descriptor (`cn`) or a numeric OID (`2.5.4.3`, also written `OID.2.5.4.3`). */
  #attributeType(): string {
    const start = this.#position;
    const first = this.#peek();
    if (first === undefined || !KEYCHAR.test(first) || first === '-')
      this.#fail('expected an attribute type');
    while (!this.#atEnd() && (KEYCHAR.test(this.#peek()!) || this.#peek() === '.')) this.#position++;
    let type = this.text.slice(start, this.#position);
    if (/^oid\./i.test(type)) type = type.slice(4);
    const descriptor = /^[A-Za-z][A-Za-z0-9-]*$/.test(type);
    const numericOid = /^(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))+$/.test(type);
    if (!descriptor && !numericOid) this.#fail(`invalid attribute type "${type}"`, start);
    return type;
  }

  #stringValue(): string {
    const value = new ValueBuilder();
    for (
      let char = this.#peek();
      char !== undefined && char !== ',' && char !== '+' && char !== ';';
      char = this.#peek()
    ) {
      if (char === '\\') {
        value.add(this.#escape());
      } else {
        this.#position++;
        // Unescaped trailing spaces are not part of the value (RFC 4514 3).
        value.add(char, char !== ' ');
      }
    }
    return value.finish();
  }

  /** After a backslash: a byte (`\c3`) or an escaped special character (`\,`). */
  #escape(): number | string {
    const at = this.#position;
    this.#position++;
    const pair = this.text.slice(this.#position, this.#position + 2);
    if (HEX_PAIR.test(pair)) {
      this.#position += 2;
      return Number.parseInt(pair, 16);
    }
    const char = this.#peek();
    if (char === undefined || !ESCAPABLE.has(char)) this.#fail('invalid escape', at);
    this.#position++;
    return char;
  }

  /** `"..."` (RFC 1779 style, still sent by some clients): everything up to the closing quote. */
  #quotedValue(): string {
    const start = this.#position;
    this.#position++;
    const value = new ValueBuilder();
    for (let char = this.#peek(); char !== '"'; char = this.#peek()) {
      if (char === undefined) this.#fail('unterminated quoted value', start);
      if (char === '\\') {
        value.add(this.#escape());
      } else {
        this.#position++;
        value.add(char);
      }
    }
    this.#position++;
    return value.finish();
  }

  /** `#` followed by the BER encoding of the value. String types are decoded; others stay as hex. */
  #hexValue(): { value: string; binary?: boolean } {
    const start = this.#position;
    this.#position++;
    while (!this.#atEnd() && /[0-9A-Fa-f]/.test(this.#peek()!)) this.#position++;
    const hex = this.text.slice(start + 1, this.#position);
    if (hex.length === 0 || hex.length % 2 !== 0) this.#fail('invalid hex value', start);
    const decoded = decodeBerString(Buffer.from(hex, 'hex'));
    return decoded === undefined ? { value: `#${hex.toLowerCase()}`, binary: true } : { value: decoded };
  }

  #skipSpaces(): void {
    while (this.text[this.#position] === ' ') this.#position++;
  }

  #peek(): string | undefined {
    return this.text[this.#position];
  }

  #atEnd(): boolean {
    return this.#position >= this.text.length;
  }

  #fail(message: string, position = this.#position): never {
    throw new DnSyntaxError(message, position);
  }
}

/**
 * Collects a value from characters and escaped bytes (`\\c3\\bc` is one UTF-8 `ü`), remembering
 * where the last significant character ended so that unescaped trailing spaces can be dropped.
 */
class ValueBuilder {
  #text = '';
  #bytes: number[] = [];
  #significant = 0;

  /** Adds an escaped byte or a character; escaped characters are always significant. */
  add(part: number | string, significant = true): void {
    if (typeof part === 'number') {
      this.#bytes.push(part);
      return;
    }
    this.#flush();
    this.#text += part;
    if (significant) this.#significant = this.#text.length;
  }

  finish(): string {
    this.#flush();
    return this.#text.slice(0, this.#significant);
  }

  #flush(): void {
    if (this.#bytes.length === 0) return;
    this.#text += Buffer.from(this.#bytes).toString('utf8');
    this.#significant = this.#text.length;
    this.#bytes = [];
  }
}

/** BER tags of the string types a DN value may be encoded as. */
const UTF8_STRING_TAGS = new Set([0x04, 0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a]);
const BMP_STRING_TAG = 0x1e;

/** Decodes a BER-encoded string value, or undefined for anything else (or malformed). */
function decodeBerString(ber: Buffer): string | undefined {
  const tag = ber[0];
  const first = ber[1];
  if (tag === undefined || first === undefined) return undefined;
  let offset = 2;
  let length = first;
  if (first & 0x80) {
    const octets = first & 0x7f;
    if (octets === 0 || octets > 4 || ber.length < 2 + octets) return undefined;
    length = 0;
    for (let i = 0; i < octets; i++) length = length * 256 + ber[2 + i]!;
    offset = 2 + octets;
  }
  if (offset + length !== ber.length) return undefined;
  const content = ber.subarray(offset);
  if (UTF8_STRING_TAGS.has(tag)) return content.toString('utf8');
  if (tag === BMP_STRING_TAG && content.length % 2 === 0)
    return Buffer.from(content).swap16().toString('utf16le');
  return undefined;
}
