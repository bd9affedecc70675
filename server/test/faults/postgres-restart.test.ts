import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GqlClient } from '../helpers.js';
import {
  Failures,
  OwnPostgres,
  ResumingDiary,
  demoCell,
  kill,
  saveUntilAnswered,
  signIn,
  sleep,
  startChild,
  until,
  type Cell,
  type ServerProcess,
} from './kit.js';

/**
 * PostgreSQL restarted under a steady write load: nothing acknowledged is lost, every failure is
 * typed, the server comes back by itself, and a live diary misses nothing and repeats nothing.
 */
let db: OwnPostgres;
let server: ServerProcess;
let cell: Cell;
let teacher: GqlClient;
let parent: GqlClient;

beforeAll(async () => {
  db = await OwnPostgres.create();
  const url = await db.createSchool();
  cell = await demoCell(db);
  server = await startChild(url);
  teacher = await signIn(server, 'teacher');
  parent = await signIn(server, 'parent');
});
afterAll(async () => {
  if (server) await kill(server);
  await db?.remove();
});

describe('PostgreSQL restarted during a steady write load', () => {
  it('keeps every acknowledged mark, types every failure, recovers by itself and tells the diary each mark once', async () => {
    const diary = new ResumingDiary(() => server, parent.cookie, cell.pupilId);
    await diary.start();
    const failures = new Failures();
    const acknowledged: { id: string; at: number }[] = [];
    let stop = false;
    let n = 0;
    // The teacher's queue: one batch at a time, each with a fresh key, retried with it until answered.
    const writer = (async () => {
      while (!stop) {
        const value = String(2 + (n++ % 4));
        const answer = await saveUntilAnswered(
          () => teacher,
          [{ ...cell, value, comment: `restart ${n}` }],
          failures,
        );
        acknowledged.push({ id: answer.saved[0].id, at: Date.now() });
      }
    })();

    await until(() => acknowledged.length >= 20, 30_000);
    const stoppedAt = Date.now();
    await db.stop();
    await sleep(1500);
    const port = db.port;
    await db.start();
    const startedAt = Date.now();
    expect(db.port).toBe(port);
    // The server was not restarted: it answers again on its own.
    const healthy = await until(async () => {
      const r = await fetch(`${server.origin}/readyz`).catch(() => undefined);
      return r?.status === 200;
    }, 30_000);
    const readyAt = Date.now();
    expect(healthy).toBe(true);
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
    const ackedBefore = acknowledged.length;
    await until(() => acknowledged.length >= ackedBefore + 20, 30_000);
    stop = true;
    await writer;
    const firstAfter = acknowledged.find((a) => a.at > startedAt)!.at;

    const me = await teacher.request<{ me: { login: string } }>('{me{login}}');
    expect(me.data?.me.login).toBe('teacher');
    const ids = acknowledged.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    // Every acknowledged write is stored, and nothing else was written by the retries.
    const stored = await db.sql<{ id: string }>(
      `select id::text from mark where lesson_id = $1 and pupil_id = $2 and comment like 'restart %' and removed_at is null`,
      [cell.lessonId, cell.pupilId],
    );
    expect(stored.map((r) => r.id).sort()).toEqual([...ids].sort());
    // Every failure was a typed answer: the database unreachable, not an internal error.
    expect([...failures.codes.keys()].filter((c) => c !== 'UNAVAILABLE')).toEqual([]);
    // The diary got each acknowledged mark once, in the order they were written.
    await until(() => diary.markIds.length >= ids.length, 15_000);
    expect(diary.markIds).toEqual(ids);
    const eventIds = diary.received.map((e) => BigInt(e.id));
    expect(eventIds.every((id, i) => i === 0 || id > eventIds[i - 1])).toBe(true);
    expect(diary.errors).toEqual([]);
    await diary.stop();
    console.log(
      'faults: postgres restart',
      JSON.stringify({
        acknowledged: ids.length,
        stored: stored.length,
        failedAttempts: failures.toJSON(),
        databaseDownMs: startedAt - stoppedAt,
        readyAfterStartMs: readyAt - startedAt,
        firstWriteAfterStartMs: firstAfter - startedAt,
        diaryReceived: diary.markIds.length,
        diaryReconnects: diary.reconnects,
      }),
    );
  });
});
