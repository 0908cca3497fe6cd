/**
 * Checks of `views` and of the `view` accounts and listeners choose, which the schema cannot
 * express: each view defined in config must be usable (src/view/view-problems.ts: every name for one
 * presented attribute, no password attribute renamed), must not take a shipped view's name, and
 * every `view` must name a view that exists.
 */
import { Schema } from '../schema/schema.js';
import { SHIPPED_VIEWS } from '../view/shipped-views.js';
import { PRESENTED_VIEW } from '../view/view-definition.js';
import { viewProblems } from '../view/view-problems.js';
import type { ConfigPath, Problem } from './problem.js';

let schema: Schema | undefined;

export function checkViews(data: unknown): Problem[] {
  if (!isRecord(data)) return [];
  const defined = isRecord(data.views) ? data.views : {};
  const known = [...new Set([PRESENTED_VIEW, ...Object.keys(SHIPPED_VIEWS), ...Object.keys(defined)])];
  const accounts = isRecord(data.access) ? listOf(data.access.accounts) : [];
  return [
    ...Object.entries(defined).flatMap(([name, definition]) => checkDefinition(name, definition)),
    ...accounts.flatMap((account, index) =>
      checkChoice(account, ['access', 'accounts', index, 'view'], known),
    ),
    ...listOf(data.listen).flatMap((listener, index) =>
      checkChoice(listener, ['listen', index, 'view'], known),
    ),
  ];
}

function checkDefinition(name: string, definition: unknown): Problem[] {
  const at: ConfigPath = ['views', name];
  if (name === PRESENTED_VIEW || name in SHIPPED_VIEWS) {
    return [{ at, message: `'${name}' is the name of a view dirbridge ships: give yours another name` }];
  }
  if (!isRecord(definition) || !Object.values(definition).every((v) => typeof v === 'string')) return [];
  schema ??= Schema.load();
  return viewProblems(definition as Record<string, string>, schema).map((problem) => ({
    at: [...at, problem.clientName],
    message: problem.message,
  }));
}

function checkChoice(holder: unknown, at: ConfigPath, known: readonly string[]): Problem[] {
  const view = isRecord(holder) ? holder.view : undefined;
  if (typeof view !== 'string' || known.includes(view)) return [];
  return [{ at, message: `no view named '${view}' (views: ${known.join(', ')})` }];
}

function listOf(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as unknown[]) : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
