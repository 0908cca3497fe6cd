/**
 * What matching works out about an attribute's values array (its folded text, its numbers' forms),
 * kept on the array itself for as long as the array lives. A WeakMap would do the same, but a
 * replica hands every search fresh arrays, and an entry per array read costs the garbage collector
 * (ephemeron tables) more than the work it saves. An array that cannot take a property (a frozen
 * one) falls back to a WeakMap.
 *
 * Set by plain assignment: `Object.defineProperty` on an array takes V8's slow path (about 180 ns a
 * call against 10), which made the memos of a search's fresh candidate arrays 8 % of a name-prefix
 * search. The symbol key stays out of `Object.keys`, `for…in` and JSON; deep equality in tests sees
 * it, so tests compare copies of such arrays.
 */
export class ValuesMemo<T> {
  readonly #key: symbol;
  readonly #fallback = new WeakMap<readonly string[], T>();

  constructor(what: string) {
    this.#key = Symbol(what);
  }

  get(values: readonly string[]): T | undefined {
    const held = (values as unknown as Record<symbol, T | undefined>)[this.#key];
    return held ?? this.#fallback.get(values);
  }

  set(values: readonly string[], value: T): void {
    if (Object.isExtensible(values)) (values as unknown as Record<symbol, T>)[this.#key] = value;
    else this.#fallback.set(values, value);
  }
}
