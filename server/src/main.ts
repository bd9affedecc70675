import 'reflect-metadata';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabaseServer, type AdminServer } from './db/database.js';
import { migrate, openOrm } from './db/orm.js';
import { createApp, type App } from './app.js';
import { log, setLogLevel } from './log.js';
import { School } from './modules/school/school.entity.js';
import { seedDemoSchool, DEMO_LOGINS, DEMO_PASSWORD } from './seed/demo.js';
import type { MikroORM } from '@mikro-orm/postgresql';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  setLogLevel(config.logLevel);
  const onlyMigrate = process.argv.includes('--migrate-only');

  const running: Running = {};
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      log.warn('second signal: exiting at once', { signal });
      process.exit(1);
    }
    stopping = true;
    log.info('shutting down', { signal });
    await stopAll(running);
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  let port: number;
  try {
    const started = await start(config, running, onlyMigrate);
    if (started === undefined) return shutdown('migrate-only');
    port = started;
  } catch (e) {
    // A failed start (a busy port, a bad migration) must not leave our PostgreSQL running.
    log.error('start-up failed', { error: (e as Error).message });
    stopping = true;
    await stopAll(running);
    process.exit(1);
  }
  printWelcome(config, port, config.demoSeed && (await hasDemoAccounts(running.orm!)));
}

interface Running {
  db?: AdminServer;
  orm?: MikroORM;
  app?: App;
}

/** Opens the database, migrates, seeds and listens; the port, or undefined after --migrate-only. */
async function start(config: Config, running: Running, onlyMigrate: boolean) {
  const db = (running.db = await openDatabaseServer(config));
  const orm = (running.orm = await openOrm(db.appUrl));
  if (config.migrateOnStart || onlyMigrate) await migrate(orm);
  if (onlyMigrate) return undefined;
  const schools = await orm.em.fork().count(School, {});
  if (schools === 0) {
    if (config.demoSeed) {
      log.info('empty database: seeding the demo school');
      await seedDemoSchool(orm, config.today ? new Date(`${config.today}T09:00:00Z`) : new Date());
    } else {
      log.warn('no school yet: create one with `npm run school:create`');
    }
  }
  const app = (running.app = await createApp(config, orm));
  return app.listen(config.port);
}

/** Order matters: stop taking requests and close sockets, then the ORM, then PostgreSQL. */
async function stopAll(running: Running): Promise<void> {
  await running.app
    ?.close()
    .catch((e: Error) => log.error('http close failed', { error: e.message }));
  await running.orm
    ?.close(true)
    .catch((e: Error) => log.error('orm close failed', { error: e.message }));
  await running.db
    ?.stop()
    .catch((e: Error) => log.error('database stop failed', { error: e.message }));
}

async function hasDemoAccounts(orm: MikroORM): Promise<boolean> {
  const rows = await orm.em
    .fork()
    .execute(`select 1 from user_account where login = 'sysadmin' limit 1`);
  return rows.length > 0;
}

function printWelcome(config: Config, port: number, demo: boolean): void {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const lines = [
    ``,
    `  Otmetka is running at http://${host}:${port}/`,
    `  GraphQL: http://${host}:${port}/graphql`,
  ];
  if (demo) {
    lines.push(``, `  Demo sign-ins (password «${DEMO_PASSWORD}»): ${DEMO_LOGINS.join(', ')}`);
  }
  lines.push(`  Press Ctrl-C to stop.`, ``);
  console.log(lines.join('\n'));
}

main().catch((e: Error) => {
  log.error('start-up failed', { error: e.message });
  process.exit(1);
});
