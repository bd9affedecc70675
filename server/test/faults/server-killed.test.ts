import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GqlClient } from '../helpers.js';
import {
  OwnPostgres,
  SAVE,
  demoCell,
  kill,
  moveTo,
  signIn,
  sleep,
  startChild,
  type Cell,
  type SaveAnswer,
  type SavedMark,
  type ServerProcess,
} from './kit.js';

/**
 * The server killed with SIGKILL while batches with idempotency keys are on their way: resent
 * with their keys to a new process, each batch is applied exactly once.
 */
let db: OwnPostgres;
const servers: ServerProcess[] = [];
let cell: Cell;

beforeAll(async () => {
  db = await OwnPostgres.create();
  await db.createSchool();
  cell = await demoCell(db);
});
afterAll(async () => {
  for (const s of servers) await kill(s);
  await db?.remove();
});

interface Batch {
  key: string;
  changes: object[];
  answer?: SaveAnswer['setMarks'];
}

const BATCH = 10;
const LOOPS = 4;
/** `outbox_publish`'s lock (Migration20261128181500_outbox_function): a batch's last statement takes it. */
const OUTBOX_LOCK = 1869901163;

const newBatch = (): Batch => {
  const key = randomUUID();
  const changes = Array.from({ length: BATCH }, (_, i) => ({
    ...cell,
    value: String(2 + (i % 4)),
    comment: `${key}/${i}`,
  }));
  return { key, changes };
};

/**
 * A batch whose answer is lost on the way back after it committed: it is held at its last
 * statement (the test holds the outbox lock) while the client gives up on it, then let go.
 */
async function committedButUnanswered(server: ServerProcess, teacher: GqlClient): Promise<Batch> {
  const lock = new pg.Client({ connectionString: db.url() });
  await lock.connect();
  await lock.query('begin');
  await lock.query('select pg_advisory_xact_lock($1)', [OUTBOX_LOCK]);
  const batch = newBatch();
  const abort = new AbortController();
  const sent = fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.origin, cookie: teacher.cookie },
    body: JSON.stringify({ query: SAVE, variables: { c: batch.changes, k: batch.key } }),
    signal: abort.signal,
  }).catch(() => undefined);
  const waiting = async () =>
    (await lock.query(`select 1 from pg_locks where locktype = 'advisory' and not granted`))
      .rowCount === 1;
  while (!(await waiting())) await sleep(20);
  abort.abort();
  await sent;
  await lock.query('commit');
  await lock.end();
  return batch;
}

describe('the server killed during keyed batches', () => {
  it('applies each batch exactly once when the unanswered ones are resent with their keys', async () => {
    const first = await startChild(db.url());
    servers.push(first);
    const teacher = await signIn(first, 'teacher');
    const lost = await committedButUnanswered(first, teacher);
    const batches: Batch[] = [lost];
    let alive = true;
    // Four teachers' queues at once (one account), each sending its next batch when answered.
    const loops = Array.from({ length: LOOPS }, async () => {
      while (alive) {
        const batch = newBatch();
        batches.push(batch);
        try {
          const r = await teacher.request<SaveAnswer>(SAVE, { c: batch.changes, k: batch.key });
          if (r.data?.setMarks) batch.answer = r.data.setMarks;
        } catch {
          return; // No answer: the process is gone.
        }
      }
    });
    while (batches.filter((b) => b.answer).length < 30) await sleep(20);
    await kill(first, 'SIGKILL');
    alive = false;
    await Promise.all(loops);
    expect(first.child.signalCode).toBe('SIGKILL');

    const unanswered = batches.filter((b) => !b.answer);
    expect(unanswered.length).toBeGreaterThan(0);
    const countOf = async (b: Batch) =>
      Number(
        (
          await db.sql<{ n: string }>(`select count(*) n from mark where comment like $1 || '/%'`, [
            b.key,
          ])
        )[0].n,
      );
    // Before the resend: each unanswered batch is all there (committed, answer lost) or not at all.
    const before = await Promise.all(unanswered.map(countOf));
    expect(before.every((n) => n === 0 || n === BATCH)).toBe(true);
    expect(await countOf(lost)).toBe(BATCH);

    const second = await startChild(db.url());
    servers.push(second);
    const again = moveTo(teacher, second);
    for (const b of unanswered) {
      const r = await again.request<SaveAnswer>(SAVE, { c: b.changes, k: b.key });
      expect(r.errors).toBeUndefined();
      b.answer = r.data!.setMarks;
    }
    // A batch answered before the kill, sent again, is answered the same and not written.
    const answered = batches.find((b) => !unanswered.includes(b))!;
    const replay = await again.request<SaveAnswer>(SAVE, { c: answered.changes, k: answered.key });
    expect(replay.data!.setMarks).toEqual(answered.answer);

    for (const b of batches) expect(await countOf(b)).toBe(BATCH);
    // Every answer, first or resent, is what the database holds now; each mark announced once.
    const rows = await db.sql<SavedMark & { events: string }>(
      `select m.id::text, m.value, m.comment, m.version,
              (select count(*) from domain_event e where e.type = 'MARK_SAVED' and e.payload->>'id' = m.id::text)::text as events
         from mark m where m.lesson_id = $1`,
      [cell.lessonId],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    for (const b of batches) {
      for (const m of b.answer!.saved) {
        const { events, ...row } = byId.get(m.id)!;
        expect(row).toEqual({ id: m.id, value: m.value, comment: m.comment, version: m.version });
        expect(events).toBe('1');
      }
    }
    expect(rows.length).toBe(batches.length * BATCH);
    console.log(
      'faults: server killed',
      JSON.stringify({
        batches: batches.length,
        marksPerBatch: BATCH,
        answeredBeforeKill: batches.length - unanswered.length,
        unanswered: unanswered.length,
        committedButUnanswered: before.filter((n) => n === BATCH).length,
        writtenOnResend: before.filter((n) => n === 0).length,
        marksStored: rows.length,
      }),
    );
  });
});
