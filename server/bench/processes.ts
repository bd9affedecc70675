/**
 * The benchmarks' processes: servers started from `bench/servers/` on the benchmark database, and
 * the CPU and memory that they and PostgreSQL use (read from /proc, Linux).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

/** Resident memory of a process, in KB. */
export function rssKb(pid: number): number {
  return Number(
    execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
      .toString()
      .trim(),
  );
}

/** CPU time (user + system) a process has used so far, in ms (Linux). */
function cpuMs(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

/** CPU time of each PostgreSQL process so far, in ms, by process id (Linux). */
type DatabaseCpu = Map<string, number>;
function databaseCpu(): DatabaseCpu {
  const out: DatabaseCpu = new Map();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(f[11]) + Number(f[12])) * 10);
    } catch {
      // The process ended meanwhile.
    }
  }
  return out;
}

/**
 * PostgreSQL's CPU since `before`: processes alive now, counted from `before` or from their start.
 * A process that ended meanwhile (a closed connection's backend) is not counted.
 */
function databaseCpuSince(before: DatabaseCpu): number {
  let total = 0;
  for (const [pid, ms] of databaseCpu()) total += ms - (before.get(pid) ?? 0);
  return total;
}

/**
 * CPU used from now on, in ms: by each of these processes (0 for an absent one), by PostgreSQL
 * (`postgres`) and by this process (`self`). Call the answer to read it.
 */
export function cpuMeter<K extends string>(
  pids: Record<K, number | undefined>,
): () => Record<K | 'postgres' | 'self', number> {
  const keys = Object.keys(pids) as K[];
  const of = (k: K) => (pids[k] === undefined ? 0 : cpuMs(pids[k]));
  const start = new Map(keys.map((k) => [k, of(k)]));
  const db = databaseCpu();
  const self = process.cpuUsage();
  return () => {
    const own = process.cpuUsage(self);
    const used = {
      postgres: databaseCpuSince(db),
      self: Math.round((own.user + own.system) / 1000),
    };
    for (const k of keys) Object.assign(used, { [k]: of(k) - start.get(k)! });
    return used as Record<K | 'postgres' | 'self', number>;
  };
}

/** A lesson whose topic the bare writer may update, with the facts its statement writes. */
export interface BareLesson {
  lessonId: number;
  schoolId: number;
  teacherId: number;
  courseId: number;
}

/**
 * The writes baseline (`servers/baseline-writes.ts`) for these lessons: each POST of
 * `{ id, topic, version }` makes the update with `updateLesson`'s own statement, nothing else.
 */
export function startBareWriter(url: string, lessons: BareLesson[]) {
  const meta = Object.fromEntries(
    lessons.map((l) => [
      l.lessonId,
      { schoolId: l.schoolId, teacherId: l.teacherId, courseId: l.courseId },
    ]),
  );
  return startServer(url, 'bench/servers/baseline-writes.ts', [JSON.stringify(meta)]);
}

/**
 * One of our servers (or another script of `bench/servers/`) in its own process on the benchmark
 * database: prints its port when ready.
 */
export async function startServer(
  url: string,
  script = 'bench/servers/ours.ts',
  args: string[] = [],
): Promise<{ child: ChildProcess; port: number; lines: readline.Interface }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      '@swc-node/register/esm-register',
      // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each server process, written when it stops.
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`]
        : []),
      script,
      url,
      ...args,
    ],
    {
      cwd: path.resolve(import.meta.dirname, '..'),
      // As deployed (README): graphql-js and Express read it from the environment, not our config.
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = readline.createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    lines.once('line', (l) => resolve((JSON.parse(l) as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`a server exited (${code})`)));
  });
  return { child, port, lines };
}

/**
 * A client process holding sockets subscribed to live feeds (`servers/feed-clients.ts`): one
 * JSON command, one line of answer.
 */
export async function startFeedClients(url: string) {
  const proc = await startServer(url, 'bench/servers/feed-clients.ts');
  const ask = <T>(command: unknown): Promise<T> =>
    new Promise((resolve) => {
      proc.lines.once('line', (l) => resolve(JSON.parse(l) as T));
      proc.child.stdin!.write(JSON.stringify(command) + '\n');
    });
  return { proc, ask };
}

export async function stopServer(child: ChildProcess): Promise<void> {
  // A process killed by a signal keeps exitCode null: its signalCode says it is gone.
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Closed loops for `seconds`, each sending its next request when the last is answered: requests
 * answered per second, failures, and CPU per answered request of the process `pid` and of
 * PostgreSQL.
 */
export async function closedLoops(
  pid: number,
  loops: (() => Promise<unknown>)[],
  seconds: number,
): Promise<{ rps: number; serverMs: number; databaseMs: number; failed: number }> {
  const cpu = cpuMeter({ server: pid });
  const start = Date.now();
  let done = 0;
  let failed = 0;
  await Promise.all(
    loops.map(async (send) => {
      while (Date.now() - start < seconds * 1000) {
        await send().then(
          () => done++,
          () => failed++,
        );
      }
    }),
  );
  const elapsed = (Date.now() - start) / 1000;
  const used = cpu();
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    rps: Math.round(done / elapsed),
    serverMs: round(used.server / done),
    databaseMs: round(used.postgres / done),
    failed,
  };
}
