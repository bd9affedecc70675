/**
 * Restores a backup made by `npm run backup` into the configured database, replacing its data.
 * Stop the server first: a database with other connections is refused unless --force.
 * npm run restore -- <file> [--force]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { withAdminServer } from '../db/database.js';
import { restoreDatabase } from '../ops/backup.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { force: { type: 'boolean', default: false } },
});
if (positionals.length !== 1) {
  console.error('Usage: npm run restore -- <file> [--force]   (stop the server first)');
  process.exit(2);
}

// npm runs workspace scripts inside the workspace: a relative path is from where it was typed.
const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]);

await withAdminServer(loadConfig(), async (db) => {
  try {
    const r = await restoreDatabase(db.appUrl, file, { force: values.force });
    const counts = r.tables === undefined ? '' : ` (${r.tables} tables, ${r.rows} rows)`;
    console.log(`Restored ${file}: ${r.format} format${counts}.`);
  } catch (e) {
    console.error(`Restore refused or failed, nothing changed: ${(e as Error).message}`);
    process.exitCode = 1;
  }
});
