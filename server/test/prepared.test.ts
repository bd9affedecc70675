import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { createTestApp, type TestApp } from './helpers.js';
import { prepared } from '../src/db/prepared.js';

/** Hot statements run as named prepared statements (decision 22). */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ demo: false });
});
afterAll(() => t.close());

describe('prepared statements', () => {
  it('are prepared once per connection and answer as execute does', async () => {
    const sql = `select /* prepared-once */ ?::int[] as ids, ?::jsonb as doc, current_date as today, ?::bigint as big`;
    const params = [[3, 1, 2], JSON.stringify({ a: [1] }), '9007199254740993'];
    await t.orm.em.fork().transactional(async (em) => {
      const first = await prepared<Record<string, unknown>>(em, sql, params);
      const again = await prepared<Record<string, unknown>>(em, sql, params);
      expect(again).toEqual(first);
      const [viaExecute] = await em.execute<{ today: string }[]>(`select current_date as today`);
      expect(first).toEqual([
        { ids: [3, 1, 2], doc: { a: [1] }, today: viaExecute.today, big: '9007199254740993' },
      ]);
      // Both calls ran on this transaction's connection, as one statement prepared once.
      const mine = await em.execute<{ name: string }[]>(
        `select name from pg_prepared_statements where statement like '%prepared-once%' and name like 'otm\\_%'`,
      );
      expect(mine).toHaveLength(1);
    });
  });

  it('run in the transaction they are given, which rolls them back', async () => {
    await t.sql(`create table if not exists prepared_probe (id int primary key, note text)`);
    await expect(
      t.orm.em.fork().transactional(async (em) => {
        await prepared(em, `insert into prepared_probe values (?, ?)`, [1, 'kept?']);
        const [seen] = await prepared<{ n: string }>(
          em,
          `select count(*) n from prepared_probe where id = ?`,
          [1],
        );
        expect(seen.n).toBe('1');
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await t.sql(`select id from prepared_probe`)).toEqual([]);
  });

  it("turn the database's errors into the ORM's, which the API maps to codes", async () => {
    await t.sql(`create table if not exists prepared_probe (id int primary key, note text)`);
    const em = t.orm.em.fork();
    await prepared(em, `insert into prepared_probe values (?, ?)`, [2, 'first']);
    await expect(
      prepared(em, `insert into prepared_probe values (?, ?)`, [2, 'again']),
    ).rejects.toBeInstanceOf(UniqueConstraintViolationException);
    expect(await t.sql(`select note from prepared_probe where id = 2`)).toEqual([
      { note: 'first' },
    ]);
  });
});

describe('prepared statements outside a transaction (straight to the pool, issue 16)', () => {
  it('answer as inside one, with `\\?` kept as an operator and the query event sent', async () => {
    const sql = `select /* prepared-direct */ ?::int[] as ids, ?::jsonb \\? 'a' as has_a, ?::bigint as big, ? as none`;
    const params = [[3, 1, 2], JSON.stringify({ a: [1] }), '9007199254740993', null];
    const seen: { sql: string; bindings: unknown[] }[] = [];
    const knex = t.orm.em.getConnection().getKnex();
    const onQuery = (q: { sql: string; bindings: unknown[] }) => {
      if (q.sql.includes('prepared-direct')) seen.push(q);
    };
    knex.on('query', onQuery);
    let outside: unknown;
    try {
      outside = await prepared(t.orm.em.fork(), sql, params);
      // The same twice: prepared once on its connection, then reused.
      expect(await prepared(t.orm.em.fork(), sql, params)).toEqual(outside);
    } finally {
      knex.off('query', onQuery);
    }
    const inside = await t.orm.em.fork().transactional((em) => prepared(em, sql, params));
    expect(outside).toEqual(inside);
    expect(outside).toEqual([{ ids: [3, 1, 2], has_a: true, big: '9007199254740993', none: null }]);
    expect(seen).toHaveLength(2);
    expect(seen[0].sql).toContain(`$2::jsonb ? 'a'`);
    expect(seen[0].bindings).toEqual(params);
  });
});

describe('the ORM connections', () => {
  it("run with PostgreSQL's JIT off, whatever the server's own setting (decision 32)", async () => {
    const em = t.orm.em.fork();
    const [row] = await em.execute<{ jit: string }[]>(`select current_setting('jit') as jit`);
    expect(row.jit).toBe('off');
  });
});
