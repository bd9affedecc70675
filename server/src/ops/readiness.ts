import type { MikroORM } from '@mikro-orm/postgresql';
import { migrationsList } from '../db/migrations/index.js';

export type Readiness =
  | { ready: true }
  | { ready: false; reason: 'DATABASE_UNREACHABLE' }
  | { ready: false; reason: 'MIGRATIONS_PENDING'; pending: number };

/**
 * Ready = the database answers within `timeoutMs` and every migration this build knows is
 * applied. The check reads the migrations table itself rather than asking MikroORM's migrator,
 * whose check creates the table when it is missing: a probe must change nothing. A release that
 * runs before its migrations (MIGRATE_ON_START=false and no `migrate` yet) is not ready.
 */
export async function checkReadiness(orm: MikroORM, timeoutMs = 2000): Promise<Readiness> {
  let applied: Set<string>;
  try {
    applied = await withTimeout(appliedMigrations(orm), timeoutMs);
  } catch {
    return { ready: false, reason: 'DATABASE_UNREACHABLE' };
  }
  const pending = migrationsList.filter((m) => !applied.has(m.name)).length;
  return pending > 0 ? { ready: false, reason: 'MIGRATIONS_PENDING', pending } : { ready: true };
}

async function appliedMigrations(orm: MikroORM): Promise<Set<string>> {
  const em = orm.em.fork();
  const [exists] = await em.execute<{ found: boolean }[]>(
    `select to_regclass('mikro_orm_migrations') is not null as found`,
  );
  if (!exists.found) return new Set();
  const rows = await em.execute<{ name: string }[]>(`select name from mikro_orm_migrations`);
  return new Set(rows.map((r) => r.name));
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
