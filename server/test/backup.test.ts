import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './helpers.js';
import { factory } from './factory.js';
import { backupDatabase, pgDumpUsable, restoreDatabase } from '../src/ops/backup.js';

let t: TestApp;
let dir: string;
let url: string;
let canPgDump: boolean;
let f: ReturnType<typeof factory>;

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  // The server's own connections (the event bus's LISTEN) would make a restore refuse: a backup
  // test is a restore with the server stopped. Its ORM stays for the test's own queries.
  await t.app.close();
  url = t.config.databaseUrl!;
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'otmetka-backup-'));
  canPgDump = await pgDumpUsable(url);
  f = factory(t);
  await f.newSchool();
  const teacher = await f.newTeacher();
  const cls = await f.newClass({ grade: 7, classTeacher: teacher });
  const pupils = [await f.newPupil({ classGroup: cls }), await f.newPupil({ classGroup: cls })];
  const course = await f.newCourse({ classGroup: cls, teacher });
  const lesson = await f.newLesson({ course, date: '2026-11-27' });
  for (const pupil of pupils) await f.newMark({ lesson, pupil, value: '5' });
  // What COPY must escape: tabs, line breaks, backslashes, quotes, NULs' neighbours, Cyrillic.
  await t.sql(`update lesson set topic = ?, homework = null where id = ?`, [
    'Дроби:\tсложение\nи «вычитание» \\ \r конец',
    Number(lesson.id),
  ]);
});

afterAll(async () => {
  await t?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** Every table's row count and a checksum of its rows, and every sequence's position. */
async function state(): Promise<Record<string, string>> {
  const tables = await t.sql<{ name: string }>(
    `select tablename as name from pg_tables where schemaname = 'public' order by 1`,
  );
  const out: Record<string, string> = {};
  for (const { name } of tables) {
    const [r] = await t.sql<{ n: string; sum: string | null }>(
      `select count(*)::text as n, md5(string_agg(x::text, '|' order by x::text)) as sum from "${name}" x`,
    );
    out[name] = `${r.n} ${r.sum}`;
  }
  const seqs = await t.sql<{ name: string }>(
    `select relname as name from pg_class where relkind = 'S' and relnamespace = 'public'::regnamespace`,
  );
  for (const { name } of seqs) {
    const [r] = await t.sql<{ v: string }>(
      `select last_value::text || is_called as v from "${name}"`,
    );
    out[`seq ${name}`] = r.v;
  }
  return out;
}

/** Changes of every kind after the backup: deleted, changed and new rows, a sequence moved on. */
async function vandalise(): Promise<void> {
  await t.sql(`delete from mark`);
  await t.sql(`update person set last_name = 'Изменён'`);
  await t.sql(`update lesson set topic = 'другая тема'`);
  await f.newTeacher();
}

/** Runs in the test's own database, so the server's connections are the ORM's idle pool only. */
const restore = (file: string) => restoreDatabase(url, file, { force: true });

describe('backup and restore', () => {
  it('round-trips through the logical format (the embedded server’s fallback)', async () => {
    const before = await state();
    expect(Number(before.mark.split(' ')[0])).toBe(2);
    const file = path.join(dir, 'logical.backup');
    const made = await backupDatabase(url, file, { format: 'logical' });
    expect(made).toMatchObject({ format: 'logical' });
    expect(made.rows).toBeGreaterThan(10);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    await vandalise();
    expect(await state()).not.toEqual(before);
    expect(await restore(file)).toMatchObject({ format: 'logical', rows: made.rows });
    expect(await state()).toEqual(before);
  });

  it('uses pg_dump when the server is not newer than it, the logical format otherwise, and round-trips', async () => {
    const before = await state();
    const file = path.join(dir, 'auto.backup');
    const made = await backupDatabase(url, file);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    const head = (await fs.readFile(file)).subarray(0, 5).toString();
    if (canPgDump) {
      // A PostgreSQL server no newer than the machine's pg_dump (DATABASE_URL's, in CI).
      expect(made).toEqual({ format: 'pg_dump' });
      expect(head).toBe('PGDMP');
    } else {
      // The embedded PostgreSQL 18, newer than Debian's pg_dump 15: the logical format instead.
      expect(made).toMatchObject({ format: 'logical' });
      expect(head).not.toBe('PGDMP');
    }
    await vandalise();
    expect(await restore(file)).toMatchObject({ format: made.format });
    expect(await state()).toEqual(before);
  });

  it('refuses a logical backup into a database at another migration level, changing nothing', async () => {
    const file = path.join(dir, 'level.backup');
    await backupDatabase(url, file, { format: 'logical' });
    await vandalise();
    const changed = await state();
    const [last] = await t.sql<{ id: number; name: string; executed_at: Date }>(
      `select * from mikro_orm_migrations order by id desc limit 1`,
    );
    await t.sql(`delete from mikro_orm_migrations where id = ?`, [last.id]);
    try {
      await expect(restore(file)).rejects.toThrow(/migration .*restore with the release/);
    } finally {
      await t.sql(`insert into mikro_orm_migrations (id, name, executed_at) values (?, ?, ?)`, [
        last.id,
        last.name,
        last.executed_at,
      ]);
    }
    expect(await state()).toEqual(changed);
  });

  it('refuses to restore while the database has other connections, and a file not ours', async () => {
    const file = path.join(dir, 'busy.backup');
    await backupDatabase(url, file, { format: 'logical' });
    // The test's ORM holds a connection open, as a running server does.
    const em = t.orm.em.fork();
    await em.transactional(async () => {
      await expect(restoreDatabase(url, file)).rejects.toThrow(/stop the server first/);
    });
    const junk = path.join(dir, 'junk.backup');
    await fs.writeFile(junk, 'not a backup');
    await expect(restore(junk)).rejects.toThrow(/not a backup of ours/);
  });
});
