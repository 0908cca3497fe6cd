import { testDirectory } from '../test/support/test-directory.ts';
const records = Array.from({ length: 6 }, (_, i) => ({ id: `p${i}`, fields: { cn: ['Anna'], sn: ['x'] } }));
let t = performance.now();
for (let i = 0; i < 50; i++) await testDirectory([{ name: 'people', mode: 'replica', records }]);
console.log('replica dir ms', (performance.now() - t) / 50);
t = performance.now();
for (let i = 0; i < 50; i++) await testDirectory([{ name: 'people', mode: 'live', records }]);
console.log('live dir ms', (performance.now() - t) / 50);
