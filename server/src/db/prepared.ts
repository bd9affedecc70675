import { createHash } from 'node:crypto';
import type { EntityManager, Knex } from '@mikro-orm/postgresql';

/** A PostgreSQL array literal of ids, for `= any(?::int[])`: knex would spread a JS array. */
export const pgIntArray = (keys: readonly number[]) =>
  `{${keys.map((k) => Math.trunc(k)).join(',')}}`;

/**
 * Runs a hot statement as a named prepared statement: PostgreSQL parses and plans it once per
 * connection and then reuses the plan, where MikroORM's `execute` sends every statement as text
 * with its values written in, to be parsed and planned each time (for the session lookup that was
 * 0.62 ms of the database's time per request against 0.10 prepared; decision 22). `?` marks a
 * parameter, as in `execute`; the text must not vary from call to call (pass lists as arrays:
 * `= any(?::int[])`). Runs in the EntityManager's transaction when it is in one.
 */
export async function prepared<T>(
  em: EntityManager,
  sql: string,
  params: readonly unknown[] = [],
): Promise<T[]> {
  let statement = statements.get(sql);
  if (!statement) {
    statement = {
      name: `otm_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`,
      text: positional(sql),
    };
    statements.set(sql, statement);
  }
  const knex = em.getConnection().getKnex();
  const trx = em.getTransactionContext();
  try {
    if (trx) {
      const query = knex.raw(sql, params as Knex.RawBinding[]).options({ name: statement.name });
      void query.transacting(trx);
      return ((await query) as { rows: T[] }).rows;
    }
    return await direct<T>(knex, statement, params);
  } catch (e) {
    throw em.getDriver().convertException(e as Error);
  }
}

interface Statement {
  name: string;
  /** The text with `$1`, `$2`… for `?`, as knex's PostgreSQL client writes it (`\\?` stays `?`). */
  text: string;
}
const statements = new Map<string, Statement>();

const positional = (sql: string) => {
  let n = 0;
  return sql.replace(/(\\*)(\?)/g, (_match, escapes: string) =>
    escapes.length % 2 ? '?' : `$${++n}`,
  );
};

interface PgConnection {
  query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}
interface KnexClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<unknown>;
  emit(event: 'query', query: unknown): void;
}

/**
 * Outside a transaction, the statement goes to a connection of the ORM's pool straight through
 * `pg`, as knex would send it (same pool, same text and values, the same `query` event, which the
 * statement-counting tests and bench listen to), without knex building a query object, formatting
 * and re-positioning its bindings on every call: ~0.1–0.2 ms of CPU per statement (issue 16,
 * docs/PERFORMANCE.md).
 */
async function direct<T>(
  knex: Knex,
  statement: Statement,
  params: readonly unknown[],
): Promise<T[]> {
  const client = knex.client as unknown as KnexClient;
  const values = params as unknown[];
  client.emit('query', {
    sql: statement.text,
    bindings: values,
    options: { name: statement.name },
  });
  const connection = await client.acquireConnection();
  try {
    return (await connection.query({ name: statement.name, text: statement.text, values }))
      .rows as T[];
  } finally {
    await client.releaseConnection(connection);
  }
}
