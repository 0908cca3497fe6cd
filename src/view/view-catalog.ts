/**
 * Which view each caller gets (docs/views.md): the account's `view` if it names one, else its
 * listener's, else none. Every view is compiled once, when the catalog is built from config; with
 * no view configured anywhere, finding none costs one test.
 */
import type { Identity } from '../auth/identity.js';
import type { AccountConfig, ListenerConfig } from '../config/types.js';
import type { Schema } from '../schema/schema.js';
import { PresentedView } from './presented-view.js';
import { SHIPPED_VIEWS } from './shipped-views.js';
import { PRESENTED_VIEW, type ViewDefinition } from './view-definition.js';

export interface ViewSettings {
  readonly views?: Readonly<Record<string, ViewDefinition>>;
  readonly listen: readonly ListenerConfig[];
  readonly access: { readonly accounts: readonly AccountConfig[] };
}

/** A view, or `null` for the presented names as they are (`view: presented`). */
type Chosen = PresentedView | null;

export class ViewCatalog {
  /** Lower-cased account name -> its view; accounts without `view` are absent. */
  readonly #accounts = new Map<string, Chosen>();
  /** By listener index; undefined where the listener has no view. */
  readonly #listeners: (PresentedView | undefined)[];
  readonly #empty: boolean;

  constructor(settings: ViewSettings, schema: Schema) {
    const compiled = new Map<string, Chosen>();
    const view = (name: string): Chosen => {
      let found = compiled.get(name);
      if (found === undefined) {
        found = namedView(name, settings.views, schema);
        compiled.set(name, found);
      }
      return found;
    };
    for (const account of settings.access.accounts)
      if (account.view !== undefined) this.#accounts.set(account.name.toLowerCase(), view(account.view));
    this.#listeners = settings.listen.map((listener) =>
      listener.view === undefined ? undefined : (view(listener.view) ?? undefined),
    );
    this.#empty = this.#accounts.size === 0 && this.#listeners.every((v) => v === undefined);
  }

  /** The view of a caller bound as `identity` on the listener with this index (config order). */
  viewFor(identity: Identity, listener: number | undefined): PresentedView | undefined {
    if (this.#empty) return undefined;
    if (identity.kind === 'account') {
      const chosen = this.#accounts.get(identity.account.toLowerCase());
      if (chosen !== undefined) return chosen ?? undefined;
    }
    return listener === undefined ? undefined : this.#listeners[listener];
  }
}

/** The view called `name` (one of `views`, else a shipped one), compiled; null for `presented`. */
export function namedView(
  name: string,
  views: Readonly<Record<string, ViewDefinition>> | undefined,
  schema: Schema,
): Chosen {
  if (name === PRESENTED_VIEW) return null;
  const definition = views?.[name] ?? SHIPPED_VIEWS[name];
  if (!definition) throw new Error(`no view named '${name}'`);
  return new PresentedView(name, definition, schema);
}

/** Every view name a config can choose: its own, the shipped ones and `presented`. */
export function viewNames(views: Readonly<Record<string, ViewDefinition>> | undefined): string[] {
  return [...new Set([...Object.keys(views ?? {}), ...Object.keys(SHIPPED_VIEWS), PRESENTED_VIEW])];
}
