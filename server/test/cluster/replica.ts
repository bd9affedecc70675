/**
 * One replica as docker-compose runs it (its `x-server` environment: production, Redis, behind a
 * proxy, cookies without `Secure` as there is no TLS, migrations left to the one-off service), on
 * the database and Redis given as arguments, on a free loopback port. Started with
 * `bench/processes.ts`'s `startServer`: prints {"port": N} when ready, stops on SIGTERM.
 */
import 'reflect-metadata';
import { loadConfig } from '../../src/config.js';
import { openOrm } from '../../src/db/orm.js';
import { createApp } from '../../src/app.js';
import { setLogLevel } from '../../src/log.js';

const config = loadConfig({
  NODE_ENV: 'production',
  DATABASE_URL: process.argv[2],
  REDIS_URL: process.argv[3],
  TRUST_PROXY: 'true',
  COOKIE_SECURE: 'false',
  MIGRATE_ON_START: 'false',
  LOG_LEVEL: 'warn',
});
setLogLevel(config.logLevel);
const orm = await openOrm(config.databaseUrl!);
const app = await createApp(config, orm);
const port = await app.listen(0, '127.0.0.1');
process.stdout.write(JSON.stringify({ port }) + '\n');
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => orm.close(true))
    .then(() => process.exit(0));
});
