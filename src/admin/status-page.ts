/**
 * The status page (`/status` on the admin listener), rendered on the server: each source's state as
 * cn=Monitor shows it, a test search, a test bind and each source's field map. Every value goes
 * through `markup` (html-text.ts), so directory data cannot become markup; the one inline style is
 * allowed by its hash in the Content-Security-Policy, and there is no script at all.
 */
import { createHash } from 'node:crypto';
import type { MonitoredSource, MonitorSnapshot } from '../directory/monitor-entries.js';
import type { SourceFieldMap } from './field-fill-counts.js';
import { Html, markup } from './html-text.js';
import {
  MAX_INPUT_LENGTH,
  SHOWN_ATTRIBUTES,
  SHOWN_ENTRIES,
  type StatusSearchResult,
} from './status-search.js';
import type { TestBindResult } from './test-bind.js';

export interface StatusView {
  readonly snapshot: MonitorSnapshot;
  readonly fieldMaps: readonly SourceFieldMap[];
  /** What was typed into the test search, and what it found. */
  readonly search?: { readonly typed: string; readonly result?: StatusSearchResult };
  /** The test bind's verdict. */
  readonly bind?: TestBindResult;
  readonly now: Date;
}

const STYLE = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em auto;max-width:80em;padding:0 1em;color:#1b1b1b}
h1{font-size:1.4em;margin:0}h2{font-size:1.15em;margin:1.6em 0 .4em}h3{font-size:1em;margin:1em 0 .3em}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #ddd;vertical-align:top}
th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.muted{color:#666}.ok{color:#176a1d}.warn{color:#8a5a00}.bad{color:#a11}
code{background:#f3f3f3;padding:0 .2em;word-break:break-all}td.dn{min-width:16em;font-size:.85em}
form{display:flex;gap:.5em;flex-wrap:wrap;align-items:end;margin:.3em 0}
label{display:flex;flex-direction:column;font-size:.9em}input{font:inherit;padding:.25em .4em}
button{font:inherit;padding:.3em .9em}.verdict{padding:.4em .6em;border-left:4px solid #ccc;background:#fafafa}
`;

/** The policy the page is served with: nothing but itself, its one style, forms to itself, no framing. */
export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function renderStatusPage(view: StatusView): string {
  const { snapshot } = view;
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>dirbridge status</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<h1>dirbridge status</h1>
<p class="muted">${snapshot.version} · started ${time(snapshot.startedAt, view.now)} · page made ${stamp(view.now)}</p>
${sourcesSection(snapshot.sources, view.now)}
${searchSection(view.search)}
${bindSection(view.bind)}
${fieldMapsSection(view.fieldMaps, view.now)}
</body>
</html>
`.text;
}

function sourcesSection(sources: readonly MonitoredSource[], now: Date): Html {
  const rows = sources.map(
    (source) => markup`<tr data-source="${source.name}">
<td>${source.name}</td><td>${source.type ?? ''}</td><td>${source.mode}</td>
<td class="${stateClass(source.status.state)}">${source.status.state}${source.status.staleSince ? markup` <span class="muted">since ${time(source.status.staleSince, now)}</span>` : false}</td>
<td class="n">${source.entries ?? markup`<span class="muted">live</span>`}</td>
<td>${source.status.lastLoad ? time(source.status.lastLoad, now) : markup`<span class="muted">never</span>`}</td>
<td>${lastError(source, now)}</td>
</tr>`,
  );
  return markup`<section id="sources">
<h2>Sources</h2>
<table>
<thead><tr><th>source</th><th>type</th><th>mode</th><th>state</th><th>entries</th><th>last sync</th><th>last error</th></tr></thead>
<tbody>${rows}</tbody>
</table>
</section>`;
}

function lastError(source: MonitoredSource, now: Date): Html {
  const { lastError: error, heldMessage } = source.status;
  const shown = error
    ? markup`<span class="bad">${error.message}</span> <span class="muted">${time(error.at, now)}</span>`
    : markup`<span class="muted">none</span>`;
  return markup`${shown}${heldMessage ? markup`<div class="warn">${heldMessage}</div>` : false}`;
}

function stateClass(state: string): string {
  if (state === 'ready') return 'ok';
  if (state === 'failed') return 'bad';
  return 'warn';
}

function searchSection(search: StatusView['search']): Html {
  return markup`<section id="search">
<h2>Test search</h2>
<p class="muted">Typed as on a phone: a number is looked up as a caller-ID lookup is
(<code>(|(telephoneNumber=…)(mobile=…)(ipPhone=…))</code>), anything else as a name contained in
cn, sn, givenName, displayName or o. It runs through the directory's own search, with its matching rules.</p>
<form method="get" action="/status/search">
<label>Name or number <input name="q" maxlength="${MAX_INPUT_LENGTH}" value="${search?.typed ?? ''}" autofocus></label>
<button type="submit">Search</button>
</form>
${search?.result ? searchResult(search.result) : false}
</section>`;
}

function searchResult(result: StatusSearchResult): Html {
  const count = `${result.entries.length}${result.more ? '+' : ''} ${result.entries.length === 1 ? 'entry' : 'entries'}`;
  const summary = markup`<p id="search-summary">${result.search.kind} search <code>${result.filterText}</code>:
${count} in ${ms(result.ms)}${result.more ? ` (the first ${SHOWN_ENTRIES} shown)` : ''}</p>`;
  const error = result.error ? markup`<p id="search-error" class="bad">${result.error}</p>` : false;
  if (result.entries.length === 0) return markup`${summary}${error}`;
  const header = SHOWN_ATTRIBUTES.map((name) => markup`<th>${name}</th>`);
  const rows = result.entries.map((entry) => {
    const byName = new Map(entry.attributes.map((a) => [a.name.toLowerCase(), a.values]));
    const cells = SHOWN_ATTRIBUTES.map((name) => {
      const values = byName.get(name.toLowerCase()) ?? [];
      return markup`<td>${values.map((value, i) => markup`${i > 0 ? markup`<br>` : false}${value}`)}</td>`;
    });
    return markup`<tr><td class="dn"><code>${entry.dn}</code></td>${cells}</tr>`;
  });
  return markup`${summary}${error}
<table id="search-results">
<thead><tr><th>DN</th>${header}</tr></thead>
<tbody>${rows}</tbody>
</table>`;
}

function bindSection(bind: StatusView['bind']): Html {
  return markup`<section id="bind">
<h2>Test bind</h2>
<p class="muted">Checked exactly as an LDAP bind is (local accounts, sign-on through AD, Domino or
Microsoft 365, throttling after failures), over a connection without TLS: from an address that is not
trusted a password is refused as over plain LDAP. The password is not shown, kept or logged.</p>
<form method="post" action="/status/bind">
<label>Name <input name="name" value="${bind?.name ?? ''}" autocomplete="off" required></label>
<label>Password <input name="password" type="password" autocomplete="off" required></label>
<button type="submit">Bind</button>
</form>
${bind ? bindVerdict(bind) : false}
</section>`;
}

function bindVerdict(bind: TestBindResult): Html {
  const ok = bind.resultCode === 0;
  const boundAs = bind.boundAs ? markup`: bound as <code>${bind.boundAs}</code>` : false;
  const diagnostic = bind.diagnostic ? markup`<br>diagnostic: <code>${bind.diagnostic}</code>` : false;
  const held = bind.delayedMs > 0 ? `, of which ${ms(bind.delayedMs)} held back by the throttle` : '';
  return markup`<p id="bind-verdict" class="verdict ${ok ? 'ok' : 'bad'}"><strong>${bind.resultName} (${bind.resultCode})</strong>
for <code>${bind.name}</code>${boundAs}${diagnostic}
<br><span class="muted">answered in ${ms(bind.ms)}${held}</span></p>`;
}

function fieldMapsSection(maps: readonly SourceFieldMap[], now: Date): Html {
  return markup`<section id="fields">
<h2>Field maps</h2>
${maps.map((map) => fieldMap(map, now))}
</section>`;
}

function fieldMap(map: SourceFieldMap, now: Date): Html {
  const total = map.counted?.entries;
  const rows = map.rows.map((row) => {
    const counts =
      total === undefined
        ? false
        : markup`<td class="n">${row.filled ?? 0}</td><td class="n">${percent(row.filled ?? 0, total)}</td>`;
    return markup`<tr><td>${row.attribute}</td><td>${row.fields.join(' | ')}</td>${counts}</tr>`;
  });
  const counted = map.counted
    ? markup`<p class="muted">${map.counted.entries} entries counted ${time(map.counted.at, now)}.</p>`
    : false;
  const identity = map.identity
    ? markup`<p class="muted">Identity map: a field named like a presented attribute fills it${map.counted ? ' (those the entries hold are listed)' : ''}.</p>`
    : false;
  const countHeads = total === undefined ? false : markup`<th>entries</th><th>share</th>`;
  const table =
    rows.length > 0
      ? markup`<table data-fields="${map.source}"><thead><tr><th>attribute</th><th>source field(s), first held wins</th>${countHeads}</tr></thead><tbody>${rows}</tbody></table>`
      : false;
  return markup`<h3 id="fields-${map.source}">${map.source} <span class="muted">(${map.mode})</span></h3>
${identity}${counted}${map.note ? markup`<p class="muted">${map.note}</p>` : false}
${table}`;
}

function percent(part: number, total: number): string {
  return total === 0 ? '-' : `${Math.round((part / total) * 100)} %`;
}

function ms(value: number): string {
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

function stamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A moment, and how long ago it was. */
function time(date: Date, now: Date): Html {
  return markup`<time datetime="${date.toISOString()}">${stamp(date)}</time> <span class="muted">(${ago(now.getTime() - date.getTime())})</span>`;
}

function ago(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}
