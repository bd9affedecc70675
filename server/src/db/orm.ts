import 'reflect-metadata';
import { MikroORM, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';
import { log } from '../log.js';

export function ormOptions(clientUrl: string, extra: Partial<Options> = {}): Options {
  return {
    clientUrl,
    entities,
    extensions: [Migrator],
    discovery: { requireEntitiesArray: true },
    forceUtcTimezone: true,
    allowGlobalContext: false,
    debug: false,
    pool: { min: 0, max: 10 },
    // PostgreSQL's JIT compiles a plan whose estimated cost passes jit_above_cost: for our short,
    // indexed reads it costs 80-120 ms a diary week on a stock PostgreSQL 15 instead of ~8 ms
    // (docs/decisions/0032). The embedded PostgreSQL is built without it; a real server is not.
    driverOptions: { connection: { options: '-c jit=off' } },
    // The tenant filter applies where a row is read, not to every reference a row holds: without
    // this, each many-to-one is joined only to re-check its school, which made PostgreSQL plan
    // eight-table joins for a list of courses (docs/decisions/0024).
    autoJoinRefsForFilters: false,
    migrations: {
      tableName: 'mikro_orm_migrations',
      migrationsList,
      path: 'src/db/migrations',
      pathTs: 'src/db/migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: true,
    },
    // Owned by rate-limiter-flexible (created by our first migration), not by an entity; push's
    // tables are read and written in SQL only (modules/push, decision 54).
    schemaGenerator: {
      skipTables: [
        'login_rate_limit',
        'push_vapid',
        'push_device',
        'push_setting',
        'push_delivery',
        'push_cursor',
      ],
    },
    ...extra,
  };
}

export async function openOrm(clientUrl: string): Promise<MikroORM> {
  return MikroORM.init(ormOptions(clientUrl));
}

/** Applies committed migrations; the schema is never synchronised from the entities. */
export async function migrate(orm: MikroORM): Promise<void> {
  const applied = await orm.getMigrator().up();
  if (applied.length > 0) log.info('migrations applied', { count: applied.length });
}
