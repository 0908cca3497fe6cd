/**
 * The demo phonebook read straight from its CSV, and a deliberately simple oracle for what a search
 * should find in it, written independently of dirbridge's matching code.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DEMO_CSV } from './dirbridge-process.js';

export type DemoRow = Readonly<Record<string, string[]>>;

export function demoRows(): DemoRow[] {
  const records = parse<Record<string, string>>(readFileSync(DEMO_CSV, 'utf8'), { columns: true, bom: true });
  return records.map((record) =>
    Object.fromEntries(
      Object.entries(record).map(([key, value]) => [
        key,
        value
          .split('|')
          .map((v) => v.trim())
          .filter((v) => v !== ''),
      ]),
    ),
  );
}

const EXTRA_FOLDS: Readonly<Record<string, string>> = { ß: 'ss', ø: 'o', æ: 'ae', œ: 'oe', ł: 'l', đ: 'd' };

/** Lower case without accents: what a person means when they type a name on a phone. */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[ßøæœłđ]/g, (c) => EXTRA_FOLDS[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The German reading of a number as digits with country code, or its plain digits (extensions). */
export function e164Digits(number: string): string {
  const digits = number.replace(/\D/g, '');
  if (number.trim().startsWith('+')) return digits;
  if (digits.startsWith('00')) return digits.slice(2);
  if (digits.startsWith('0')) return `49${digits.slice(1)}`;
  return digits;
}

export function values(row: DemoRow, attribute: string): string[] {
  return row[attribute] ?? [];
}
