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

// BENCH_PROFILE_TO=<file>: SIGUSR2 starts a V8 CPU profile, the next SIGUSR2 writes it there and
// answers on stdout (bench/profile.ts: the load alone, without start-up and warm-up).
if (process.env.BENCH_PROFILE_TO) {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  let running = false;
  process.on('SIGUSR2', () => {
    running = !running;
    if (running) {
      void session.post('Profiler.start').then(() => process.stdout.write('profiling\n'));
      return;
    }
    void session.post('Profiler.stop').then(({ profile }) => {
      writeFileSync(process.env.BENCH_PROFILE_TO!, JSON.stringify(profile));
      process.stdout.write('profiled\n');
    });
  });
}
