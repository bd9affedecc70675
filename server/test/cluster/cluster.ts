/**
 * The compose deployment on this machine: a fresh database cloned from the test template on the
 * run's PostgreSQL (seeded with the demo school), Redis, two replica processes and nginx in front.
 */
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openOrm } from '../../src/db/orm.js';
import { seedDemoSchool } from '../../src/seed/demo.js';
import { startServer, stopServer } from '../../bench/processes.js';
import { DEMO_TODAY, GqlClient } from '../helpers.js';
import { nginxBinary, startNginx } from './nginx.js';

export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export interface Replica {
  name: 'A' | 'B';
  child: ChildProcess;
  port: number;
  origin: string;
  url: string;
  client(): GqlClient;
}

export interface Cluster {
  a: Replica;
  b: Replica;
  /** nginx's address: what browsers use. */
  origin: string;
  url: string;
  client(): GqlClient;
  /** The replica listening on `host:port` as nginx names it in the upstream header. */
  replicaAt(upstream: string | null): Replica;
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

function databaseUrl(db: string): string {
  const u = new URL(inject('serverUrl'));
  u.pathname = `/${db}`;
  return u.toString();
}

async function query<T>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Redis must answer: the compose shape has it, and the suite skips nothing silently. */
async function requireRedis(): Promise<void> {
  const { hostname, port } = new URL(REDIS_URL);
  const ok = await new Promise<boolean>((resolve) => {
    const s = net.connect(Number(port || 6379), hostname);
    s.setTimeout(2000, () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => (s.destroy(), resolve(d.toString().startsWith('+PONG'))));
  });
  if (!ok) throw new Error(`The cluster tests need Redis at ${REDIS_URL} (set REDIS_URL)`);
}

export async function startCluster(): Promise<Cluster> {
  nginxBinary();
  await requireRedis();
  const db = `otmetka_cluster_${randomBytes(5).toString('hex')}`;
  const admin = databaseUrl('postgres');
  await query(admin, `create database "${db}" template "${inject('templateDb')}"`);
  const url = databaseUrl(db);
  const orm = await openOrm(url);
  await seedDemoSchool(orm, new Date(`${DEMO_TODAY}T09:00:00Z`));
  await orm.close(true);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'otmetka-cluster-'));
  // nginx's workers drop root and must reach their temp folders.
  await chmod(dir, 0o755);
  const started: ChildProcess[] = [];
  let stopNginx = async () => {};
  const close = async () => {
    await stopNginx();
    // stopServer waits for an exit that a killed replica has already made.
    const alive = started.filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(alive.map((c) => stopServer(c)));
    await query(admin, `drop database if exists "${db}" with (force)`);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const replica = async (name: 'A' | 'B'): Promise<Replica> => {
      const { child, port } = await startServer(url, 'test/cluster/replica.ts', [REDIS_URL]);
      started.push(child);
      const origin = `http://127.0.0.1:${port}`;
      return {
        name,
        child,
        port,
        origin,
        url: `${origin}/graphql`,
        client: () => new GqlClient(`${origin}/graphql`, origin),
      };
    };
    const [a, b] = await Promise.all([replica('A'), replica('B')]);
    const nginx = await startNginx(dir, [a.port, b.port]);
    stopNginx = nginx.stop;
    const origin = `http://127.0.0.1:${nginx.port}`;
    return {
      a,
      b,
      origin,
      url: `${origin}/graphql`,
      client: () => new GqlClient(`${origin}/graphql`, origin),
      replicaAt(upstream) {
        const found = [a, b].find((r) => upstream === `127.0.0.1:${r.port}`);
        if (!found) throw new Error(`no replica answered as ${upstream}`);
        return found;
      },
      sql: (text, params) => query(url, text, params),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}
