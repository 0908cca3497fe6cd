/** Loads the captured PDUs of test/protocol/fixtures (hex text, `#` comment lines). */
import { readdirSync, readFileSync } from 'node:fs';

const DIR = new URL('./fixtures/', import.meta.url);

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** The bytes of `<name>.hex`. */
export function fixture(name: string): Uint8Array {
  const text = readFileSync(new URL(`${name}.hex`, DIR), 'utf8');
  return fromHex(
    text
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join(''),
  );
}

/** Names (without `.hex`) of every captured fixture whose name ends in `suffix`. */
export function fixtureNames(suffix: string): string[] {
  return readdirSync(DIR)
    .filter((file) => file.endsWith(`${suffix}.hex`))
    .map((file) => file.slice(0, -'.hex'.length))
    .sort();
}

/** UTF-8 bytes as a plain Uint8Array, the type the decoders return. */
export function bytes(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}
