import pg from 'pg';
import type { Config } from '../config.js';
import { startEmbedded } from './embedded.js';

/** A PostgreSQL server we may create databases on: DATABASE_URL's, or an embedded one. */
export interface AdminServer {
  /** The URL of the application's database. */
  appUrl: string;
  urlFor(database: string): string;
  createDatabase(name: string, template?: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  databaseExists(name: string): Promise<boolean>;
  stop(): Promise<void>;
  /** The embedded cluster's folder (run as root, possibly not DATA_DIR); none with DATABASE_URL. */
  dataDir?: string;
}

const quoteIdent = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('unsafe database name');
  return `"${name}"`;
};

function serverFor(baseUrl: string, appDatabase: string, stop: () => Promise<void>): AdminServer {
  const urlFor = (db: string) => {
    const u = new URL(baseUrl);
    u.pathname = `/${db}`;
    return u.toString();
  };
  const adminQuery = async (sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: urlFor('postgres') });
    await client.connect();
    try {
      return await client.query(sql, params);
    } finally {
      await client.end();
    }
  };
  const self: AdminServer = {
    appUrl: urlFor(appDatabase),
    urlFor,
    async databaseExists(name) {
      const r = await adminQuery('select 1 from pg_database where datname = $1', [name]);
      return (r.rowCount ?? 0) > 0;
    },
    async createDatabase(name, template) {
      await adminQuery(
        `create database ${quoteIdent(name)}${template ? ` template ${quoteIdent(template)}` : ''}`,
      );
    },
    async dropDatabase(name) {
      await adminQuery(`drop database if exists ${quoteIdent(name)} with (force)`);
    },
    stop,
  };
  return self;
}

/**
 * Opens the database server that the configuration names and makes sure the application's
 * database exists. With DATABASE_URL, that database is used as it is (created if missing).
 */
export async function openDatabaseServer(config: Config): Promise<AdminServer> {
  if (config.databaseUrl) {
    const dbName = decodeURIComponent(new URL(config.databaseUrl).pathname.slice(1)) || 'postgres';
    const server = serverFor(config.databaseUrl, dbName, async () => {});
    server.appUrl = config.databaseUrl;
    return server;
  }
  const embedded = await startEmbedded(config.dataDir, { rootDataDir: config.rootDataDir });
  const server = serverFor(embedded.url('postgres'), 'otmetka', embedded.stop);
  server.dataDir = embedded.dataDir;
  if (!(await server.databaseExists('otmetka'))) await server.createDatabase('otmetka');
  return server;
}

export async function withAdminServer<T>(
  config: Config,
  fn: (s: AdminServer) => Promise<T>,
): Promise<T> {
  const server = await openDatabaseServer(config);
  try {
    return await fn(server);
  } finally {
    await server.stop();
  }
}
