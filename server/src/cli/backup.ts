/**
 * Backs the configured database up into a file (DATABASE_URL's, or the embedded one in DATA_DIR,
 * which this shares with a running server). Safe while the server runs: one consistent snapshot.
 * npm run backup -- <file> [--format pg_dump|logical]
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { withAdminServer } from '../db/database.js';
import { backupDatabase, type BackupFormat } from '../ops/backup.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { format: { type: 'string' } },
});
const format = values.format as BackupFormat | undefined;
if (positionals.length !== 1 || (format && format !== 'pg_dump' && format !== 'logical')) {
  console.error('Usage: npm run backup -- <file> [--format pg_dump|logical]');
  process.exit(2);
}

// npm runs workspace scripts inside the workspace: a relative path is from where it was typed.
const file = path.resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]);

await withAdminServer(loadConfig(), async (db) => {
  const r = await backupDatabase(db.appUrl, file, { format });
  const counts = r.tables === undefined ? '' : ` (${r.tables} tables, ${r.rows} rows)`;
  console.log(`Backed up into ${file}: ${r.format} format${counts}.`);
});
