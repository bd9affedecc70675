/**
 * Writes a new migration: the difference between the entities and the schema that the committed
 * migrations produce, computed on a scratch database (DATABASE_URL's server, or embedded).
 * Usage: npm run migration:create -w server -- <name>
 */
import { randomBytes } from 'node:crypto';
import { openOrm, migrate } from '../db/orm.js';
import { withAdminServer } from '../db/database.js';
import { loadConfig } from '../config.js';

const config = loadConfig();
await withAdminServer(config, async (admin) => {
  const dbName = `otmetka_scratch_${randomBytes(4).toString('hex')}`;
  await admin.createDatabase(dbName);
  const orm = await openOrm(admin.urlFor(dbName));
  try {
    await migrate(orm);
    const result = await orm
      .getMigrator()
      .createMigration('src/db/migrations', false, false, process.argv[2]);
    console.log(result.fileName ? `written: ${result.fileName}` : 'no changes');
    console.log(result.diff.up.join('\n'));
  } finally {
    await orm.close(true);
    await admin.dropDatabase(dbName);
  }
});
