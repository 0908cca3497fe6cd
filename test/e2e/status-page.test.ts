/**
 * The status page of a real dirbridge process, in a real browser: Debian's chromium driven by
 * puppeteer-core. The page is loaded with the admin token as HTTP Basic credentials; the sources
 * table shows the demo source; a name search and a number search are typed as on a phone and the
 * entries that render are compared with an independent oracle over the demo CSV; a test bind with a
 * wrong and a right password shows the verdicts and never the password. A second process serves an
 * entry whose cn is markup, which the browser must show as text and never run.
 *
 * A screenshot is saved to .test-run/status-page.png, or, with STATUS_PAGE_SCREENSHOT=1, to
 * docs/status-page.png for the docs.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDebianPackages } from '../../scripts/test-backends/debian-packages.js';
import { demoRows, e164Digits, fold, values, type DemoRow } from './support/demo-data.js';
import { REPO, SUFFIX, startDirbridge, type DirbridgeProcess } from './support/dirbridge-process.js';
import { scryptHash } from './support/scrypt-hash.js';
import { registerTestSecret } from './support/test-secrets.js';

const TOKEN = registerTestSecret('status-page-admin-token-8d2e51b7');
const PASSWORD = registerTestSecret('status-page-right-password-3f9a');
const WRONG = registerTestSecret('status-page-wrong-password-c4e0');
const HOSTILE_CN = '<script>document.title="pwned"</script><img src=x onerror=document.title=1>';
const NAME_ATTRIBUTES = ['cn', 'sn', 'givenName', 'displayName', 'o'];
const NUMBER_ATTRIBUTES = ['telephoneNumber', 'mobile', 'ipPhone'];

/** The little of the DOM the test reads in the page, typed here: the project compiles without the DOM library. */
interface PageElement {
  readonly innerText: string;
  value: string;
  querySelectorAll(selector: string): Iterable<PageElement>;
}

let browser: Browser;
const servers: DirbridgeProcess[] = [];

/**
 * A dirbridge with the admin listener (token from the environment, unless `withoutToken`) and a
 * local account `pbx`.
 */
async function start(
  sources?: Record<string, unknown>[],
  { withoutToken = false, anonymous = true } = {},
): Promise<string> {
  process.env.DIRBRIDGE_E2E_STATUS_TOKEN = TOKEN;
  const token = withoutToken ? {} : { token: '${env:DIRBRIDGE_E2E_STATUS_TOKEN}' };
  const server = await startDirbridge({
    config: {
      admin: { listen: 'http://127.0.0.1:0', ...token },
      access: { anonymous, accounts: [{ name: 'pbx', passwordHash: scryptHash(PASSWORD) }] },
      ...(sources ? { sources } : {}),
    },
    logName: 'status-page',
  });
  servers.push(server);
  return /metrics and health on (http:\/\/\S+)/.exec(server.output())![1]!;
}

beforeAll(async () => {
  ensureDebianPackages([{ command: 'chromium', pkg: 'chromium' }]);
  browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless=new'],
  });
});

afterAll(async () => {
  await browser.close();
  await Promise.all(servers.map((server) => server.stop()));
  delete process.env.DIRBRIDGE_E2E_STATUS_TOKEN;
});

async function openPage(url: string): Promise<Page> {
  const page = await browser.newPage();
  await page.authenticate({ username: 'admin', password: TOKEN });
  await page.setViewport({ width: 1280, height: 900 });
  const response = await page.goto(`${url}/status`);
  expect(response?.status()).toBe(200);
  return page;
}

/** The text of each cell of each row of a table. */
function tableRows(page: Page, selector: string): Promise<string[][]> {
  return page.$$eval(`${selector} tbody tr`, (rows: PageElement[]) =>
    rows.map((row) => [...row.querySelectorAll('td')].map((cell) => cell.innerText.trim())),
  );
}

/** Types into the search box as a person would, and waits for the answer page. */
async function search(page: Page, typed: string): Promise<void> {
  await page.$eval('input[name=q]', (input: PageElement) => (input.value = ''));
  await page.type('input[name=q]', typed);
  await Promise.all([page.waitForNavigation(), page.click('#search button[type=submit]')]);
}

async function bind(page: Page, name: string, password: string): Promise<string> {
  await page.$eval('input[name=name]', (input: PageElement) => (input.value = ''));
  await page.type('input[name=name]', name);
  await page.type('input[name=password]', password);
  await Promise.all([page.waitForNavigation(), page.click('#bind button[type=submit]')]);
  return page.$eval('#bind-verdict', (verdict: PageElement) => verdict.innerText);
}

const rows = demoRows();
const sorted = (names: readonly string[]): string[] => [...names].sort((a, b) => a.localeCompare(b));
const cnsOf = (matching: (row: DemoRow) => boolean): string[] =>
  sorted(rows.filter(matching).map((row) => values(row, 'cn')[0]!));

describe('status page in a browser', () => {
  let url: string;
  let page: Page;

  beforeAll(async () => {
    url = await start();
    page = await openPage(url);
  });

  it('is refused without the token, with a challenge a browser answers by asking its user', async () => {
    const refused = await fetch(`${url}/status`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Basic realm="dirbridge"');
    expect(await refused.text()).not.toContain('demo');
    // A browser without the credentials gets no page (headless Chromium has nobody to ask).
    const anonymous = await browser.createBrowserContext();
    try {
      const stranger = await anonymous.newPage();
      await expect(stranger.goto(`${url}/status`)).rejects.toThrow(/ERR_INVALID_AUTH_CREDENTIALS/);
    } finally {
      await anonymous.close();
    }
  });

  it('shows the demo source: ready, its entries, its last sync, no error', async () => {
    const [demo] = await tableRows(page, '#sources');
    expect(demo!.slice(0, 5)).toEqual(['demo', 'file', 'replica', 'ready', String(rows.length)]);
    expect(demo![5]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\d+ s ago\)$/);
    expect(demo![6]).toBe('none');
    const fields = await tableRows(page, 'table[data-fields=demo]');
    const mobile = fields.find((row) => row[0] === 'mobile')!;
    expect(mobile.slice(0, 3)).toEqual([
      'mobile',
      'mobile',
      String(rows.filter((row) => values(row, 'mobile').length > 0).length),
    ]);
  });

  it('finds a name typed as on a phone, without regard to accents, as the oracle says', async () => {
    await search(page, 'müller');
    const expected = cnsOf((row) =>
      NAME_ATTRIBUTES.some((a) => values(row, a).some((v) => fold(v).includes('muller'))),
    );
    expect(expected.length).toBeGreaterThan(0);
    const found = await tableRows(page, '#search-results');
    expect(sorted(found.map((cells) => cells[1]!))).toEqual(expected);
    for (const cells of found)
      expect(cells[0]).toMatch(new RegExp(`^entryUUID=[0-9a-f-]{36},ou=demo,${SUFFIX}$`));
    const summary = await page.$eval('#search-summary', (p: PageElement) => p.innerText);
    expect(summary).toMatch(
      new RegExp(
        `^name search \\(\\|\\(cn=\\*müller\\*\\).*: ${expected.length} entr(y|ies) in [\\d.]+ ms$`,
        's',
      ),
    );
    expect(await page.$eval('input[name=q]', (input: PageElement) => input.value)).toBe('müller');
  });

  it('finds a number typed in another format than the directory holds it', async () => {
    const anna = rows.find((row) => values(row, 'cn').includes('Anna Müller'))!;
    expect(values(anna, 'telephoneNumber')).toEqual(['+49 30 1234567-12']);
    await search(page, '030 1234567-12');
    const expected = cnsOf((row) =>
      NUMBER_ATTRIBUTES.some((a) => values(row, a).some((v) => e164Digits(v) === '4930123456712')),
    );
    expect(expected).toContain('Anna Müller');
    const found = await tableRows(page, '#search-results');
    expect(sorted(found.map((cells) => cells[1]!))).toEqual(expected);
    expect(found[0]![2]).toBe('+49 30 1234567-12');
    const summary = await page.$eval('#search-summary', (p: PageElement) => p.innerText);
    expect(summary).toMatch(/^number search \(\|\(telephoneNumber=030 1234567-12\)\(mobile=030 1234567-12\)/);
    await saveScreenshot(page);
  });

  it('gives a test bind the verdict of an LDAP bind, and never shows the password', async () => {
    const wrong = await bind(page, 'pbx', WRONG);
    expect(wrong).toMatch(/^invalidCredentials \(49\)\s+for pbx\s+diagnostic: invalid credentials/);
    expect(await page.content()).not.toContain(WRONG);
    expect(await page.$eval('input[name=password]', (input: PageElement) => input.value)).toBe('');
    const right = await bind(page, 'pbx', PASSWORD);
    expect(right).toMatch(new RegExp(`^success \\(0\\)\\s+for pbx: bound as dn:cn=pbx,${SUFFIX}`));
    expect(await page.content()).not.toContain(PASSWORD);
    const server = servers[0]!;
    expect(server.output()).toMatch(/"dn":"pbx","result":"success".*"msg":"status page: test bind"/);
  });
});

describe('status page showing hostile directory data', () => {
  it('shows an entry whose cn is markup as text, and runs none of it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dirbridge-status-'));
    const csv = join(dir, 'visitors.csv');
    writeFileSync(csv, `id,objectClass,cn,sn,telephoneNumber\nv1,contact,${HOSTILE_CN},Hostile,030 555\n`);
    const url = await start([{ name: 'visitors', type: 'file', path: csv }]);
    const page = await openPage(url);
    await search(page, 'hostile');
    const found = await tableRows(page, '#search-results');
    expect(found.map((cells) => cells[1])).toEqual([HOSTILE_CN]);
    expect(await page.title()).toBe('dirbridge status');
    expect(await page.$$('#search-results script, #search-results img')).toHaveLength(0);
    await page.close();
  });
});

describe('status page without a token', () => {
  it('searches as an anonymous LDAP client may: not at all when access.anonymous is off', async () => {
    const url = await start(undefined, { withoutToken: true, anonymous: false });
    const page = await (await fetch(`${url}/status/search?q=anna`)).text();
    expect(page).toContain('<tr data-source="demo">');
    expect(page).toMatch(
      /<p id="search-error" class="bad">insufficientAccessRights: anonymous search is not allowed/,
    );
    expect(page).not.toContain('search-results');
  });
});

/** For the docs when asked (STATUS_PAGE_SCREENSHOT=1), else beside the other test output. */
async function saveScreenshot(page: Page): Promise<void> {
  const forDocs = process.env.STATUS_PAGE_SCREENSHOT === '1';
  const folder = join(REPO, forDocs ? 'docs' : '.test-run');
  mkdirSync(folder, { recursive: true });
  await page.screenshot({ path: join(folder, 'status-page.png'), fullPage: true });
}
