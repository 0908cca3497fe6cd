import { buildDirectory } from '../src/app.ts';
import { createLogger } from '../src/observability/logger.ts';
import { loadConfig } from '../src/config/load.ts';
import { SOURCE_TYPES } from '../src/sources/registry.ts';
import { parseFilter } from '../src/filter/parse.ts';
const config = await loadConfig('/tmp/probe/c2.yaml', { sourceTypes: SOURCE_TYPES });
const dir = await buildDirectory(config, createLogger('silent'), new AbortController().signal);
const { Session } = await import('node:inspector/promises');
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.start');
const t = performance.now();
for (let i = 0; i < 1000; i++) { for await (const _ of dir.search({ base: 'dc=dirbridge,dc=local', scope: 'sub', filter: parseFilter('(|(cn=ann*)(sn=ann*))'), attributes: ['cn'], typesOnly: false }, new AbortController().signal)); }
console.log('ms/search', (performance.now() - t) / 1000);
const { profile } = await session.post('Profiler.stop');
const self: Record<string, number> = {}; const dt: Record<number, number> = {};
profile.samples!.forEach((s, i) => (dt[s] = (dt[s] ?? 0) + (profile.timeDeltas![i] ?? 0)));
for (const n of profile.nodes) { const k = `${n.callFrame.functionName} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`; self[k] = (self[k] ?? 0) + (dt[n.id] ?? 0); }
const tot = Object.values(self).reduce((a, b) => a + b, 0);
Object.entries(self).sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([k, v]) => console.log((v / tot * 100).toFixed(1) + '%', k));
