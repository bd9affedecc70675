import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { once } from 'node:events';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { promisify } from 'node:util';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

const run = promisify(execFile);

/**
 * Backups in one of two formats (docs/decisions/0028-backup-format.md):
 * - `pg_dump`: pg_dump's custom format, restored with pg_restore. Used whenever the pg_dump on
 *   PATH is at least as new as the server.
 * - `logical`: our own tables' rows, as PostgreSQL's COPY writes them, in one gzip file with a
 *   manifest. Used when no pg_dump can dump the server: the embedded PostgreSQL 18 ships none, and
 *   Debian's pg_dump 15 refuses a newer server.
 */
export type BackupFormat = 'pg_dump' | 'logical';

const LOGICAL_MAGIC = 'OTMETKA-LOGICAL-BACKUP 1';
const PGDMP_MAGIC = 'PGDMP';
const MIGRATIONS_TABLE = 'mikro_orm_migrations';

interface Manifest {
  createdAt: string;
  serverVersion: string;
  /** Applied migrations, in order: a restore needs the target at exactly this level. */
  migrations: string[];
  /** Each table's rows follow in this order, one line per row (COPY's text format). */
  tables: { name: string; columns: string[]; rows: number }[];
  sequences: { name: string; lastValue: string; isCalled: boolean }[];
}

export interface BackupResult {
  format: BackupFormat;
  tables?: number;
  rows?: number;
}

/** Backs the database at `url` up into `file`, with pg_dump if one can, otherwise logically. */
export async function backupDatabase(
  url: string,
  file: string,
  opts: { format?: BackupFormat } = {},
): Promise<BackupResult> {
  const format = opts.format ?? ((await pgDumpUsable(url)) ? 'pg_dump' : 'logical');
  // Written aside and renamed when complete: a file by that name is always a whole backup.
  const partial = `${file}.partial`;
  try {
    if (format === 'pg_dump') {
      await pgTool('pg_dump', url, ['--format=custom', '--file', partial]);
      await fs.promises.chmod(partial, 0o600); // personal data: the owner's eyes only
      await fs.promises.rename(partial, file);
      return { format };
    }
    const manifest = await logicalBackup(url, partial);
    await fs.promises.rename(partial, file);
    return {
      format,
      tables: manifest.tables.length,
      rows: manifest.tables.reduce((n, t) => n + t.rows, 0),
    };
  } finally {
    await fs.promises.rm(partial, { force: true });
  }
}

/**
 * Restores `file` (either format, told by its first bytes) into the database at `url`, replacing
 * its data. Refused while anything else is connected to that database (a running server), unless
 * `force`.
 */
export async function restoreDatabase(
  url: string,
  file: string,
  opts: { force?: boolean } = {},
): Promise<BackupResult> {
  const format = await formatOf(file);
  if (!opts.force) await refuseIfInUse(url);
  if (format === 'pg_dump') {
    await pgTool('pg_restore', url, [
      '--clean',
      '--if-exists',
      '--no-owner',
      '--no-acl',
      '--single-transaction',
      file,
    ]);
    return { format };
  }
  const manifest = await logicalRestore(url, file);
  return {
    format,
    tables: manifest.tables.length,
    rows: manifest.tables.reduce((n, t) => n + t.rows, 0),
  };
}

/** Whether the pg_dump on PATH can dump this server (pg_dump refuses a newer major version). */
export async function pgDumpUsable(url: string): Promise<boolean> {
  let tool: number;
  try {
    const { stdout } = await run('pg_dump', ['--version']);
    tool = Number(/\(PostgreSQL\)\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  } catch {
    return false;
  }
  const server = await withClient(url, async (c) => {
    const r = await c.query<{ v: string }>(`select current_setting('server_version_num') as v`);
    return Math.floor(Number(r.rows[0].v) / 10000);
  });
  return tool >= server;
}

async function formatOf(file: string): Promise<BackupFormat> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(5);
    await handle.read(head, 0, 5, 0);
    if (head.toString('latin1') === PGDMP_MAGIC) return 'pg_dump';
    if (head[0] === 0x1f && head[1] === 0x8b) return 'logical';
  } finally {
    await handle.close();
  }
  throw new Error(`${file} is not a backup of ours (neither pg_dump's custom format nor logical)`);
}

async function refuseIfInUse(url: string): Promise<void> {
  const others = await withClient(url, async (c) => {
    const r = await c.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()`,
    );
    return r.rows[0].n;
  });
  if (others > 0) {
    throw new Error(
      `the database is in use (${others} other connection(s)): stop the server first, or pass --force`,
    );
  }
}

/** pg_dump / pg_restore with the URL's password in the environment, not on the command line. */
async function pgTool(tool: 'pg_dump' | 'pg_restore', url: string, args: string[]): Promise<void> {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const child = spawn(tool, [`--dbname=${u.toString()}`, ...args], {
    env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`${tool} failed (exit ${code}): ${stderr.trim()}`);
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Our tables (the public schema's, but the migrations' own) and their stored columns. */
async function tablesOf(c: pg.Client): Promise<{ name: string; columns: string[] }[]> {
  const r = await c.query<{ name: string; columns: string[] }>(
    `select t.relname as name, array_agg(a.attname::text order by a.attnum) as columns
       from pg_class t
       join pg_namespace n on n.oid = t.relnamespace and n.nspname = 'public'
       join pg_attribute a on a.attrelid = t.oid and a.attnum > 0 and not a.attisdropped
                          and a.attgenerated = ''
      where t.relkind in ('r', 'p') and t.relname <> $1
      group by t.relname order by t.relname`,
    [MIGRATIONS_TABLE],
  );
  return r.rows;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const columnList = (columns: string[]) => columns.map(ident).join(', ');

/**
 * One snapshot (REPEATABLE READ), so that counts, rows and sequences agree with each other while
 * the server keeps writing. In COPY's text format a row is one line (line breaks inside values
 * are escaped), so the manifest's counts say where each table ends.
 */
async function logicalBackup(url: string, file: string): Promise<Manifest> {
  return withClient(url, async (c) => {
    await c.query('begin isolation level repeatable read read only');
    try {
      const manifest = await readManifest(c);
      const gzip = createGzip();
      const written = pipeline(gzip, fs.createWriteStream(file, { mode: 0o600 }));
      written.catch(() => undefined); // awaited below; a failed COPY must not leave it unhandled
      gzip.write(`${LOGICAL_MAGIC}\n${JSON.stringify(manifest)}\n`);
      try {
        for (const t of manifest.tables) {
          const copy = c.query(
            copyTo(`copy ${ident(t.name)} (${columnList(t.columns)}) to stdout`),
          );
          for await (const chunk of copy as AsyncIterable<Buffer>) {
            if (!gzip.write(chunk)) await once(gzip, 'drain');
          }
        }
      } catch (e) {
        gzip.destroy();
        throw e;
      }
      gzip.end();
      await written;
      return manifest;
    } finally {
      await c.query('rollback');
    }
  });
}

async function readManifest(c: pg.Client): Promise<Manifest> {
  const version = await c.query<{ v: string }>(`select current_setting('server_version') as v`);
  const migrations = await c.query<{ name: string }>(
    `select name from ${MIGRATIONS_TABLE} order by id`,
  );
  const tables: Manifest['tables'] = [];
  for (const t of await tablesOf(c)) {
    const r = await c.query<{ n: string }>(`select count(*)::text as n from ${ident(t.name)}`);
    tables.push({ ...t, rows: Number(r.rows[0].n) });
  }
  const seqs = await c.query<{ name: string }>(
    `select relname as name from pg_class s join pg_namespace n on n.oid = s.relnamespace
      where s.relkind = 'S' and n.nspname = 'public' order by relname`,
  );
  const sequences: Manifest['sequences'] = [];
  for (const { name } of seqs.rows) {
    const r = await c.query<{ last_value: string; is_called: boolean }>(
      `select last_value::text, is_called from ${ident(name)}`,
    );
    sequences.push({ name, lastValue: r.rows[0].last_value, isCalled: r.rows[0].is_called });
  }
  return {
    createdAt: new Date().toISOString(),
    serverVersion: version.rows[0].v,
    migrations: migrations.rows.map((m) => m.name),
    tables,
    sequences,
  };
}

/**
 * All or nothing, in one transaction: refuse a target at another migration level, empty every
 * table, load the rows with foreign-key triggers off (`session_replication_role = replica`, so
 * tables load in any order; the rows were consistent in the snapshot they came from), then put
 * each sequence back where it stood.
 */
async function logicalRestore(url: string, file: string): Promise<Manifest> {
  const lines = readline.createInterface({
    input: fs.createReadStream(file).pipe(createGunzip()),
    crlfDelay: Infinity,
  });
  const it = lines[Symbol.asyncIterator]();
  const next = async () => {
    const r = await it.next();
    if (r.done) throw new Error(`${file} ends early: the backup is incomplete`);
    return r.value;
  };
  try {
    if ((await next()) !== LOGICAL_MAGIC) {
      throw new Error(`${file} is not a logical backup of ours`);
    }
    const manifest = JSON.parse(await next()) as Manifest;
    await withClient(url, async (c) => {
      await checkTarget(c, manifest);
      await c.query('begin');
      try {
        await c.query(`set local session_replication_role = replica`);
        await c.query(`truncate ${manifest.tables.map((t) => ident(t.name)).join(', ')}`);
        for (const t of manifest.tables) await loadTable(c, t, next);
        for (const s of manifest.sequences) {
          await c.query(`select setval($1::regclass, $2::bigint, $3)`, [
            ident(s.name),
            s.lastValue,
            s.isCalled,
          ]);
        }
        await c.query('commit');
      } catch (e) {
        await c.query('rollback');
        throw e;
      }
    });
    return manifest;
  } finally {
    lines.close();
  }
}

async function checkTarget(c: pg.Client, manifest: Manifest): Promise<void> {
  const applied = await c.query<{ name: string }>(
    `select name from ${MIGRATIONS_TABLE} order by id`,
  );
  const here = applied.rows.map((m) => m.name);
  if (here.join('\n') !== manifest.migrations.join('\n')) {
    throw new Error(
      `the database is at migration ${here.at(-1) ?? '(none)'}, the backup at ` +
        `${manifest.migrations.at(-1) ?? '(none)'}: restore with the release that made the backup`,
    );
  }
  const tables = (await tablesOf(c)).map((t) => `${t.name}(${t.columns.join(',')})`);
  const expected = manifest.tables.map((t) => `${t.name}(${t.columns.join(',')})`);
  if (tables.join('\n') !== expected.join('\n')) {
    throw new Error('the database has other tables or columns than the backup: refused');
  }
}

async function loadTable(
  c: pg.Client,
  table: Manifest['tables'][number],
  next: () => Promise<string>,
): Promise<void> {
  const copy = c.query(
    copyFrom(`copy ${ident(table.name)} (${columnList(table.columns)}) from stdin`),
  );
  const done = new Promise<void>((resolve, reject) => {
    copy.on('finish', resolve);
    copy.on('error', reject);
  });
  for (let i = 0; i < table.rows; i++) {
    if (!copy.write(`${await next()}\n`)) await once(copy, 'drain');
  }
  copy.end();
  await done;
}
