/** Figures as the bench's Markdown tables show them. */

/** Milliseconds: two decimals below 10, one above; `–` when there is nothing to show. */
export function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(value < 10 ? 2 : 1) : '–';
}

/** CPU time (seconds) in ms, or in µs below a millisecond. */
export function cpu(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  return seconds >= 0.001 ? `${(seconds * 1000).toFixed(1)} ms` : `${Math.round(seconds * 1e6)} µs`;
}

/** Operations per second, rounded, with thousands separators. */
export function perSecond(ops: number, seconds: number): string {
  return seconds > 0 ? Math.round(ops / seconds).toLocaleString('en-US') : '–';
}

/** `a / b` with two decimals, `–` when either is missing or zero. */
export function ratio(a: number, b: number): string {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 && a !== 0 ? (a / b).toFixed(2) : '–';
}
