import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, LISTENER_NAME, type BusEvent } from '../src/events/event-bus.js';
import { publish } from '../src/events/outbox.js';
import type { LiveEventName } from '../src/events/live-event-type.js';
import { createTestApp, type TestApp } from './helpers.js';
import { factory } from './factory.js';

/**
 * The bus's LISTEN connection (no Redis) after PostgreSQL drops it, as a restart does: it is made
 * again, so another process's write wakes this one at once instead of at the next poll.
 */
let t: TestApp;
let bus: EventBus;
let schoolId: number;
const received: BusEvent[] = [];

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  schoolId = Number((await factory(t).newSchool()).id);
  // A poll far longer than the test: only a NOTIFY can wake this bus in time.
  bus = new EventBus(t.orm.em, t.orm.config.get('clientUrl')!, {
    retentionHours: 1,
    pollMs: 600_000,
  });
  await bus.start();
  bus.subscribe((e) => received.push(e));
});

afterAll(async () => {
  await bus?.stop();
  await t?.close();
});

/** Writes one event as another process would: its own transaction, NOTIFY on commit. */
async function writeElsewhere(n: number): Promise<void> {
  await t.orm.em
    .fork()
    .transactional((em) =>
      publish(em, schoolId, [{ type: 'TEST_EVENT' as LiveEventName, payload: { n } }]),
    );
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

/** The listening connections of this database's buses (the test app's own too, without Redis). */
const listenerPids = async () =>
  (
    await t.sql<{ pid: number }>(
      `select pid from pg_stat_activity where datname = current_database() and application_name = ?`,
      [LISTENER_NAME],
    )
  ).map((r) => r.pid);

describe('event bus without Redis', () => {
  it('LISTENs again after its connection is terminated and delivers the next write at once', async () => {
    await writeElsewhere(1);
    expect(await waitFor(() => received.some((e) => e.payload.n === 1), 3000)).toBe(true);

    const before = await listenerPids();
    expect(before.length).toBeGreaterThan(0);
    await t.sql(`select pg_terminate_backend(pid) from pg_stat_activity where pid in (?)`, [
      before,
    ]);
    const renewed = (pids: number[]) =>
      pids.length === before.length && pids.every((p) => !before.includes(p));
    let pids = await listenerPids();
    for (let i = 0; i < 100 && !renewed(pids); i++) {
      await new Promise((r) => setTimeout(r, 100));
      pids = await listenerPids();
    }
    expect(renewed(pids)).toBe(true);

    await writeElsewhere(2);
    expect(await waitFor(() => received.some((e) => e.payload.n === 2), 3000)).toBe(true);
    expect(received.map((e) => e.payload.n)).toEqual([1, 2]);
  });
});
