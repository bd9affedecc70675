import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Failures,
  OwnPostgres,
  OwnRedis,
  ResumingDiary,
  demoCell,
  freePort,
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
 * Redis stopped and started under two server processes: live events keep flowing (each process
 * also reads the outbox table once a second), to a parent on one process from writes on the other.
 */
const haveRedis = spawnSync('redis-server', ['--version']).status === 0;
/** The suite skips nothing silently: without Redis's server it fails, saying what to install. */
const NO_REDIS = 'redis-server is not installed: apt-get install -y redis-server';

let db: OwnPostgres;
let redis: OwnRedis;
let a: ServerProcess;
let b: ServerProcess;
let cell: Cell;

beforeAll(async () => {
  if (!haveRedis) throw new Error(NO_REDIS);
  db = await OwnPostgres.create();
  await db.createSchool();
  cell = await demoCell(db);
  redis = new OwnRedis(await freePort());
  await redis.start();
  [a, b] = await Promise.all([startChild(db.url(), redis.url), startChild(db.url(), redis.url)]);
});
afterAll(async () => {
  for (const s of [a, b]) if (s) await kill(s);
  await redis?.stop();
  await db?.remove();
});

describe('Redis stopped and started', () => {
  it('delivers every mark written on one process to a parent on the other, once and in order', async () => {
    const parent = await signIn(a, 'parent');
    const teacher = await signIn(b, 'teacher');
    const diary = new ResumingDiary(() => a, parent.cookie, cell.pupilId);
    await diary.start();
    const failures = new Failures();
    const written: { id: string; at: number }[] = [];
    const delays: number[] = [];
    const write = async (phase: string) => {
      const answer = await saveUntilAnswered(
        () => teacher,
        [{ ...cell, value: '4', comment: `redis ${phase} ${written.length}` }],
        failures,
      );
      const id = answer.saved[0].id;
      const at = Date.now();
      written.push({ id, at });
      // How long until the parent's socket has it: the measure of "keeps flowing".
      await until(() => diary.markIds.includes(id), 10_000);
      delays.push(Date.now() - at);
    };
    const phase = async (name: string, count: number) => {
      const from = delays.length;
      for (let i = 0; i < count; i++) await write(name);
      const d = delays.slice(from);
      return { writes: count, maxDeliveryMs: Math.max(...d) };
    };

    const up = await phase('up', 10);
    await redis.stop();
    await sleep(300);
    const down = await phase('down', 10);
    await redis.start();
    await sleep(1500); // ioredis reconnects with a back-off of its own.
    const again = await phase('again', 10);

    const ids = written.map((w) => w.id);
    expect(diary.markIds).toEqual(ids);
    expect(diary.errors).toEqual([]);
    expect(failures.total).toBe(0);
    // Without Redis the other process still hears of each write within its poll (a second).
    expect(down.maxDeliveryMs).toBeLessThan(3000);
    await diary.stop();
    console.log(
      'faults: redis restart',
      JSON.stringify({
        up,
        down,
        again,
        diaryReceived: diary.markIds.length,
        reconnects: diary.reconnects,
        failedWrites: failures.toJSON(),
      }),
    );
  });
});
