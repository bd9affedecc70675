import 'reflect-metadata';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/config.js';
import { openDatabaseServer, type AdminServer } from '../src/db/database.js';
import { migrate, openOrm } from '../src/db/orm.js';
import { setLogLevel } from '../src/log.js';

declare module 'vitest' {
  export interface ProvidedContext {
    serverUrl: string;
    templateDb: string;
  }
}

/**
 * Once per run: a PostgreSQL server (DATABASE_URL's, or an embedded one in a temporary folder)
 * and a template database with every migration applied. Each test file clones the template.
 * If this throws, Vitest runs no test file and exits with 1, which stops `npm test`.
 */
export default async function setup(project: TestProject) {
  setLogLevel('warn');
  let dataDir: string | undefined;
  if (!process.env.DATABASE_URL) {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'otmetka-test-'));
    await fs.chmod(dataDir, 0o755);
  }
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', DATA_DIR: dataDir });
  let server: AdminServer | undefined;
  // Run as root from a private TMPDIR, the cluster lives elsewhere (ROOT_DATA_DIR): remove both.
  const removeData = async () => {
    for (const dir of [dataDir, server?.dataDir]) {
      if (dir) await fs.rm(dir, { recursive: true, force: true });
    }
  };
  try {
    server = await openDatabaseServer(config);
    const templateDb = `otmetka_tpl_${randomBytes(4).toString('hex')}`;
    await server.createDatabase(templateDb);
    const orm = await openOrm(server.urlFor(templateDb));
    await migrate(orm);
    await orm.close(true);
    project.provide('serverUrl', server.urlFor('postgres'));
    project.provide('templateDb', templateDb);
    const started = server;
    return async () => {
      await started.dropDatabase(templateDb);
      await started.stop();
      await removeData();
    };
  } catch (e) {
    await server?.stop().catch(() => undefined);
    await removeData();
    throw e;
  }
}
