/**
 * One view compiled for the session edge (docs/views.md): which presented attribute each name the
 * client may use stands for, and the name each presented attribute is shown under. Both are maps
 * built once, keyed by every spelling a client may use (aliases, OIDs, any letter case) and by the
 * canonical names entries carry, so renaming costs a lookup per name and no schema work.
 *
 * A presented attribute the view shows under another name is gone under its own: unless the view
 * gives that name to another attribute (a swap), a client naming it names an attribute no entry
 * holds ("renamed away").
 */
import type { Schema } from '../schema/schema.js';
import type { ViewDefinition } from './view-definition.js';
import { viewProblems } from './view-problems.js';

/** What a client name stands for when the view renamed its attribute away. */
export const RENAMED_AWAY: unique symbol = Symbol('renamed away');

export type PresentedName = string | typeof RENAMED_AWAY;

export class InvalidViewError extends Error {
  override name = 'InvalidViewError';
}

export class PresentedView {
  /** Lower-cased client spelling (name, alias or OID) -> canonical presented name, or renamed away. */
  readonly #toPresented = new Map<string, PresentedName>();
  /** Canonical presented name -> the client name, as the view spells it. */
  readonly #toClient = new Map<string, string>();

  constructor(
    readonly name: string,
    definition: ViewDefinition,
    schema: Schema,
  ) {
    const [problem] = viewProblems(definition, schema);
    if (problem) throw new InvalidViewError(`view ${name}: ${problem.clientName}: ${problem.message}`);
    const shown = new Set<string>();
    for (const [clientName, presentedName] of Object.entries(definition)) {
      const presented = schema.attribute(presentedName)!;
      const client = schema.attribute(clientName);
      if (clientName !== presented.name) this.#toClient.set(presented.name, clientName);
      if (client === presented) continue;
      for (const spelling of client ? [...client.definition.names, client.oid] : [clientName])
        this.#toPresented.set(spelling.toLowerCase(), presented.name);
      shown.add(presented.name);
    }
    for (const presentedName of shown) {
      const type = schema.attribute(presentedName)!;
      for (const spelling of [...type.definition.names, type.oid]) {
        const key = spelling.toLowerCase();
        if (!this.#toPresented.has(key)) this.#toPresented.set(key, RENAMED_AWAY);
      }
    }
  }

  /**
   * The presented attribute description (options kept) a client's description stands for:
   * undefined when the view leaves it as it is, RENAMED_AWAY when it stands for nothing.
   */
  presented(description: string): PresentedName | undefined {
    if (this.#toPresented.size === 0) return undefined;
    const semicolon = description.indexOf(';');
    const base = semicolon < 0 ? description : description.slice(0, semicolon);
    const presented = this.#toPresented.get(base.toLowerCase());
    if (presented === undefined || presented === RENAMED_AWAY || semicolon < 0) return presented;
    return presented + description.slice(semicolon);
  }

  /** The name a presented attribute (by its canonical name, as entries carry it) is shown under. */
  client(presentedName: string): string | undefined {
    return this.#toClient.get(presentedName);
  }
}
