import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LiveEventType, type LiveEventName } from '../src/events/live-event-type.js';
import type { NewEvent } from '../src/events/outbox.js';

/** Every `.ts` file under a directory. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('LiveEventType', () => {
  it('is the only set of names a publisher may write (tsc refuses others)', () => {
    const ok: NewEvent = { type: 'MARK_SAVED', payload: {} };
    // @ts-expect-error: a name the enum does not list does not type-check
    const bad: NewEvent = { type: 'NOT_AN_EVENT', payload: {} };
    expect(ok.type).toBe(LiveEventType.MARK_SAVED);
    expect(Object.values(LiveEventType)).not.toContain(bad.type);
  });

  it('lists every name a server source declares as an event type', () => {
    // Event names are declared as `const X = 'NAME'` beside their publisher, in an `…Event`
    // object, or written inline as `type: 'NAME'`: each must be a value of the enum.
    const names = new Set<string>();
    for (const file of sources(join(__dirname, '../src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\btype: '([A-Z][A-Z_]+)'/g)) names.add(m[1]);
      for (const m of text.matchAll(
        /export const \w+(?:_EVENT|_CHANGED|_ADDED|_SENT|_ACKNOWLEDGED|_POSTED|_CHECKED) = '([A-Z_]+)'/g,
      )) {
        names.add(m[1]);
      }
      for (const block of text.matchAll(/export const \w+Event = \{([^}]*)\}/g)) {
        for (const m of block[1].matchAll(/: '([A-Z_]+)'/g)) names.add(m[1]);
      }
    }
    const known = new Set<string>(Object.values(LiveEventType) as LiveEventName[]);
    expect([...names].filter((n) => !known.has(n))).toEqual([]);
    expect(names.size).toBeGreaterThan(15);
  });
});
