/** The old generation's marking triggers: flags this Node's V8 knows, set for the process. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MARKING_FLAGS, setMarkingTriggers } from '../../src/memory/marking-triggers.js';

describe('setMarkingTriggers', () => {
  it('names flags that this V8 has (it would ignore any other without a word)', () => {
    const known = execFileSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    for (const flag of MARKING_FLAGS) {
      const [name, value] = flag.split('=') as [string, string];
      expect(known, name).toMatch(new RegExp(`^\\s+${name}\\s.*\\n\\s+type: int `, 'm'));
      expect(Number(value)).toBeGreaterThan(0);
      expect(Number(value)).toBeLessThan(100);
    }
  });

  it('sets both, the soft trigger below the hard one', () => {
    const set: string[] = [];
    setMarkingTriggers((flag) => set.push(flag));
    expect(set).toEqual(MARKING_FLAGS);
    const percent = (name: string): number =>
      Number(set.find((flag) => flag.startsWith(`--incremental-marking-${name}-trigger=`))?.split('=')[1]);
    expect(percent('soft')).toBeLessThan(percent('hard'));
  });
});
