import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const serverMain = join(repoRoot, 'server/dist/main.js');
const clientIndex = join(repoRoot, 'client/build/index.html');
const START_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 20_000;

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

async function answers(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

async function waitUntilReady(baseUrl: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`The server exited with ${child.exitCode} during start-up:\n${output()}`);
    }
    if (await answers(baseUrl)) return;
    await new Promise((wake) => setTimeout(wake, 250));
  }
  throw new Error(`The server did not answer within ${START_TIMEOUT_MS} ms:\n${output()}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGINT');
  });
}

/**
 * Starts the compiled server (with the built client) on a free port and a fresh embedded
 * PostgreSQL for the browser tests. It builds nothing: run `npm run build` at the root first.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  for (const file of [serverMain, clientIndex]) {
    if (!existsSync(file)) {
      throw new Error(`${file} is missing: run \`npm run build\` at the repository root first.`);
    }
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // PostgreSQL runs as its own user, which must reach the data folder (mkdtemp makes it 700).
  const dataDir = mkdtempSync(join(tmpdir(), 'otmetka-e2e-'));
  chmodSync(dataDir, 0o755);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DEMO_SEED: 'true',
    LOG_LEVEL: 'warn',
    // The push test's devices name a push service on a local plain-http port (e2e/push.test.ts).
    PUSH_ALLOW_HTTP: 'true',
  };
  // Always a fresh embedded database, whatever the developer's shell points at.
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  delete env.NODE_ENV;

  let log = '';
  const child = spawn(process.execPath, [serverMain], { cwd: repoRoot, env, stdio: 'pipe' });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));

  try {
    await waitUntilReady(baseUrl, child, () => log);
  } catch (error) {
    await stop(child);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  project.provide('baseUrl', baseUrl);

  return async () => {
    await stop(child);
    if (child.exitCode !== 0) console.warn(`The e2e server exited with ${child.exitCode}:\n${log}`);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
