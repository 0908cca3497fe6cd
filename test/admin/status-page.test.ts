/**
 * The status page as rendered: what cn=Monitor says of each source, the search and bind results,
 * the field maps, every value escaped (directory data and backend messages are anyone's to write),
 * and a Content-Security-Policy that allows the page's one style and nothing else.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderStatusPage, STATUS_PAGE_CSP, type StatusView } from '../../src/admin/status-page.js';
import { phoneSearch } from '../../src/admin/status-search.js';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&';
const now = new Date('2026-01-02T03:04:05Z');

function view(overrides: Partial<StatusView> = {}): StatusView {
  return {
    snapshot: {
      version: 'dirbridge 1.2.3',
      startedAt: new Date('2026-01-02T03:00:00Z'),
      listeners: [],
      sources: [
        {
          name: 'hr',
          type: 'ad',
          mode: 'replica',
          entries: 1234,
          status: {
            state: 'stale',
            lastLoad: new Date('2026-01-02T02:00:00Z'),
            staleSince: new Date('2026-01-02T02:30:00Z'),
            lastError: { message: `backend said ${HOSTILE}`, at: new Date('2026-01-02T02:30:00Z') },
          },
        },
        { name: 'crm', type: 'graph', mode: 'live', status: { state: 'ready' } },
      ],
    },
    fieldMaps: [
      {
        source: 'hr',
        mode: 'replica',
        identity: false,
        rows: [{ attribute: 'telephoneNumber', fields: ['OfficePhone', HOSTILE], filled: 617 }],
        counted: { entries: 1234, at: now },
      },
      {
        source: 'crm',
        mode: 'live',
        identity: false,
        rows: [],
        note: 'a live source: counts need a copy (a replica)',
      },
    ],
    now,
    ...overrides,
  };
}

/** The page's text with its markup taken away, roughly as a browser shows it. */
function visibleText(page: string): string {
  return page
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text of each cell of the row that `rowStart` begins. */
function rowCells(page: string, rowStart: string): string[] {
  const row = page.slice(page.indexOf(rowStart), page.indexOf('</tr>', page.indexOf(rowStart)));
  return [...row.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => visibleText(cell[1]!));
}

describe('status page', () => {
  it("shows each source's state, entries, last sync and last error", () => {
    const page = renderStatusPage(view());
    expect(page).toMatch(/<tr data-source="hr">/);
    expect(rowCells(page, '<tr data-source="hr">')).toEqual([
      'hr',
      'ad',
      'replica',
      'stale since 2026-01-02 02:30:00 UTC (34 min ago)',
      '1234',
      '2026-01-02 02:00:00 UTC (64 min ago)',
      `backend said ${HOSTILE} 2026-01-02 02:30:00 UTC (34 min ago)`,
    ]);
    expect(rowCells(page, '<tr data-source="crm">')).toEqual([
      'crm',
      'graph',
      'live',
      'ready',
      'live',
      'never',
      'none',
    ]);
  });

  it('escapes every value: no markup from directory data or backend messages', () => {
    const search = phoneSearch(HOSTILE)!;
    const page = renderStatusPage(
      view({
        search: {
          typed: HOSTILE,
          result: {
            search,
            filterText: HOSTILE,
            entries: [
              { dn: `cn=${HOSTILE},ou=hr`, attributes: [{ name: 'cn', values: [HOSTILE, 'second'] }] },
            ],
            more: false,
            ms: 3.25,
            error: HOSTILE,
          },
        },
        bind: {
          name: HOSTILE,
          resultCode: 49,
          resultName: 'invalidCredentials',
          diagnostic: HOSTILE,
          delayedMs: 0,
          ms: 12,
        },
      }),
    );
    expect(page).not.toMatch(/<script|<img|onerror=alert\(2\)>/i);
    expect(page.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)!.length).toBeGreaterThanOrEqual(8);
    // In attribute values too: the typed search and the bind name are given back escaped.
    expect(page).toContain(
      'value="&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;"',
    );
  });

  it("shows a search's filter, the entries and the time it took", () => {
    const search = phoneSearch('müller')!;
    const page = renderStatusPage(
      view({
        search: {
          typed: 'müller',
          result: {
            search,
            filterText: '(|(cn=*müller*))',
            entries: [
              {
                dn: 'entryUUID=1,ou=hr,dc=x',
                attributes: [
                  { name: 'cn', values: ['Anna Müller'] },
                  { name: 'telephoneNumber', values: ['+49 30 1', '+49 30 2'] },
                ],
              },
            ],
            more: true,
            ms: 3.25,
          },
        },
      }),
    );
    const text = visibleText(page);
    expect(text).toMatch(/name search \(\|\(cn=\*müller\*\)\):\n1\+ entry in 3\.3 ms \(the first 50 shown\)/);
    expect(page).toContain('<td>+49 30 1<br>+49 30 2</td>');
    expect(page).toContain('<td class="dn"><code>entryUUID=1,ou=hr,dc=x</code></td><td>Anna Müller</td>');
  });

  it("shows a bind's verdict and never has a password in it", () => {
    const page = renderStatusPage(
      view({
        bind: {
          name: 'pbx',
          resultCode: 0,
          resultName: 'success',
          diagnostic: '',
          boundAs: 'dn:cn=pbx,dc=x',
          delayedMs: 2000,
          ms: 2100,
        },
      }),
    );
    expect(visibleText(page)).toMatch(
      /success \(0\)\nfor pbx: bound as dn:cn=pbx,dc=x\nanswered in 2100 ms, of which 2000 ms held back by the throttle/,
    );
    expect(page).toContain('<input name="password" type="password" autocomplete="off" required>');
  });

  it('shows each field map with its counts and shares, or why there are none', () => {
    const page = renderStatusPage(view());
    const text = visibleText(page);
    expect(page).toContain('<table data-fields="hr">');
    expect(rowCells(page, '<tr><td>telephoneNumber')).toEqual([
      'telephoneNumber',
      `OfficePhone | ${HOSTILE}`,
      '617',
      '50 %',
    ]);
    expect(text).toContain('1234 entries counted 2026-01-02 03:04:05 UTC');
    expect(text).toContain('a live source: counts need a copy (a replica)');
    expect(page).not.toContain('<table data-fields="crm">');
  });

  it('allows its one inline style by hash, and nothing else: no script, no framing, forms to itself', () => {
    const page = renderStatusPage(view());
    const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(STATUS_PAGE_CSP).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
    );
    expect(page).not.toMatch(/<script|<[^>]*\son[a-z]+=/i);
  });
});
