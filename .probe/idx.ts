import { generatePhonebook } from '../scripts/bench/phonebook.ts';
import { buildDirectory } from '../src/app.ts';
import { createLogger } from '../src/observability/logger.ts';
import { loadConfig } from '../src/config/load.ts';
import { SOURCE_TYPES } from '../src/sources/registry.ts';
import { writeFileSync, readFileSync } from 'node:fs';
import { parseFilter } from '../src/filter/parse.ts';
const N = Number(process.argv[2] ?? 20000);
writeFileSync('/tmp/probe/p2.csv', generatePhonebook(N).csv);
writeFileSync('/tmp/probe/c2.yaml', 'sources:\n  - { name: people, type: file, path: p2.csv }\n');
const config = await loadConfig('/tmp/probe/c2.yaml', { sourceTypes: SOURCE_TYPES });
let t = performance.now();
const dir = await buildDirectory(config, createLogger('silent'), new AbortController().signal);
console.log('load ms', Math.round(performance.now() - t));
const filters = ['(|(cn=*mül*)(sn=*mül*))', '(|(cn=ann*)(sn=ann*))', '(|(telephoneNumber=*4567)(mobile=*4567))', '(telephoneNumber=+4930123410*)', '(mail=anna.mueller@example.com)'];
for (const f of filters) {
  const s = { base: 'dc=dirbridge,dc=local', scope: 'sub' as const, filter: parseFilter(f), attributes: ['cn'], typesOnly: false };
  let n = 0;
  t = performance.now();
  for (let i = 0; i < 200; i++) { n = 0; for await (const _ of dir.search({ ...s, filter: parseFilter(f) }, new AbortController().signal)) n++; }
  console.log(f, n, ((performance.now() - t) / 200).toFixed(3), 'ms/search');
}
const m = dir.mounts[0]!;
for (const f of filters) { let c = 0; for (const b of m.candidates(parseFilter(f), new AbortController().signal) as Iterable<readonly unknown[]>) c += b.length; console.log('candidates', f, c); }
