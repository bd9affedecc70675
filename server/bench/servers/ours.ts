/** Our server, alone in its process, on the benchmark database: prints {"port": N} when ready. */
import 'reflect-metadata';
import { loadConfig } from '../../src/config.js';
import { openOrm } from '../../src/db/orm.js';
import { createApp } from '../../src/app.js';
import { setLogLevel } from '../../src/log.js';

setLogLevel('warn');
const config = loadConfig({
  NODE_ENV: 'production',
  DATABASE_URL: process.argv[2],
  LOG_LEVEL: 'warn',
  LOGIN_MAX_FAILURES: '1000',
});
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
