/**
 * A server in its own process for the fault tests, so that SIGKILL kills a real process: on the
 * database (and Redis, if given) named by its arguments, with the demo school's pinned today.
 * Started with `bench/processes.ts`'s `startServer`: prints {"port": N} when ready.
 * Arguments: DATABASE_URL, REDIS_URL or '', TODAY.
 */
import 'reflect-metadata';
import { loadConfig } from '../../src/config.js';
import { openOrm } from '../../src/db/orm.js';
import { createApp } from '../../src/app.js';
import { setLogLevel } from '../../src/log.js';

const [databaseUrl, redisUrl, today] = process.argv.slice(2);
const config = loadConfig({
  NODE_ENV: 'test',
  DATABASE_URL: databaseUrl,
  ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  TODAY: today,
  MIGRATE_ON_START: 'false',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
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
