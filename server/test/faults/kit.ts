/**
 * What the fault tests share: a PostgreSQL of their own that they may stop and start, the demo
 * school in it, servers in child processes, a Redis of their own, a teacher writing marks with
 * idempotency keys and a parent's live diary that resumes after a lost socket.
 */
import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { startEmbedded, type EmbeddedServer } from '../../src/db/embedded.js';
import { migrate, openOrm } from '../../src/db/orm.js';
import { seedDemoSchool } from '../../src/seed/demo.js';
import { setLogLevel } from '../../src/log.js';
import { startServer } from '../../bench/processes.js';
import { DEMO_TODAY, GqlClient } from '../helpers.js';

setLogLevel('silent');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `done()` or `ms` pass; true if it came true. */
export async function until(done: () => boolean | Promise<boolean>, ms = 10_000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await done()) return true;
    await sleep(50);
  }
  return done();
}

/** An embedded PostgreSQL in a temporary folder, restartable on the same data and port. */
export class OwnPostgres {
  private server: EmbeddedServer | undefined;
  port = 0;
  constructor(readonly dir: string) {}

  static async create(): Promise<OwnPostgres> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'otmetka-faults-'));
    await fs.chmod(dir, 0o755);
    const db = new OwnPostgres(dir);
    await db.start();
    return db;
  }

  async start(): Promise<void> {
    this.server = await startEmbedded(this.dir, {
      rootDataDir: path.join(os.tmpdir(), 'otmetka-faults-root'),
    });
    this.port = Number(new URL(this.server.url('postgres')).port);
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  url(db = 'otmetka'): string {
    if (!this.server) throw new Error('PostgreSQL is stopped');
    return this.server.url(db);
  }

  /** A database with every migration and the demo school, seeded for the tests' today. */
  async createSchool(): Promise<string> {
    const admin = new pg.Client({ connectionString: this.url('postgres') });
    await admin.connect();
    await admin.query('create database otmetka');
    await admin.end();
    const orm = await openOrm(this.url());
    await migrate(orm);
    await seedDemoSchool(orm, new Date(`${DEMO_TODAY}T09:00:00Z`));
    await orm.close(true);
    return this.url();
  }

  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const c = new pg.Client({ connectionString: this.url() });
    await c.connect();
    try {
      return (await c.query(text, params)).rows as T[];
    } finally {
      await c.end();
    }
  }

  async remove(): Promise<void> {
    await this.stop().catch(() => undefined);
    await fs.rm(this.dir, { recursive: true, force: true });
  }
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  url: string;
  origin: string;
}

/** A server in a child process (`faults/server.ts`) on this database and, if given, Redis. */
export async function startChild(databaseUrl: string, redisUrl = ''): Promise<ServerProcess> {
  const { child, port } = await startServer(databaseUrl, 'test/faults/server.ts', [
    redisUrl,
    DEMO_TODAY,
  ]);
  const origin = `http://127.0.0.1:${port}`;
  return { child, port, url: `${origin}/graphql`, origin };
}

export async function kill(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill(signal);
  await exited;
}

/** A client of this server signed in with a demo login. */
export async function signIn(server: ServerProcess, login: string): Promise<GqlClient> {
  const c = new GqlClient(server.url, server.origin);
  const r = await c.login(login, 'demo');
  if (r.errors) throw new Error(`sign-in of ${login} failed: ${JSON.stringify(r.errors)}`);
  return c;
}

/** The same session on another server (the sessions are in the database). */
export function moveTo(client: GqlClient, server: ServerProcess): GqlClient {
  const c = new GqlClient(server.url, server.origin);
  c.cookie = client.cookie;
  return c;
}

/** The demo teacher's algebra lesson in 7А, held and open, and the demo parent's child in it. */
export interface Cell {
  lessonId: string;
  pupilId: string;
  workTypeId: string;
}

export async function demoCell(db: OwnPostgres): Promise<Cell> {
  const [row] = await db.sql<Cell>(
    `select l.id::text as "lessonId", g.pupil_id::text as "pupilId",
            (select w.id::text from work_type w where w.school_id = co.school_id and w.active order by w.id limit 1) as "workTypeId"
       from user_account ta join course co on co.teacher_id = ta.person_id and co.subgroup_id is null
       join lesson l on l.course_id = co.id and not l.cancelled and l.date <= $1::date
       join enrollment e on e.class_group_id = co.class_group_id and e.starts_on <= l.date and (e.ends_on is null or e.ends_on >= l.date)
       join guardianship g on g.pupil_id = e.pupil_id
       join user_account pa on pa.person_id = g.guardian_id and pa.login = 'parent'
      where ta.login = 'teacher'
        and not exists(select 1 from study_period sp where l.date between sp.starts_on and sp.ends_on and sp.locked_at is not null)
      order by l.date desc limit 1`,
    [DEMO_TODAY],
  );
  if (!row) {
    throw new Error('the demo school has no open lesson of the teacher with the parent’s child');
  }
  return row;
}

export const SAVE = `mutation($c:[MarkChangeInput!]!,$k:String){setMarks(changes:$c,idempotencyKey:$k){
  saved{id lessonId pupilId value workTypeId comment version} removedIds}}`;

export interface SavedMark {
  id: string;
  value: string;
  comment: string | null;
  version: number;
}
export type SaveAnswer = { setMarks: { saved: SavedMark[]; removedIds: string[] } };

/** Error codes by how often they were answered, and requests that got no answer at all. */
export class Failures {
  readonly codes = new Map<string, number>();
  noAnswer = 0;
  add(code: string | undefined): void {
    if (code === undefined) this.noAnswer++;
    else this.codes.set(code, (this.codes.get(code) ?? 0) + 1);
  }
  get total(): number {
    return [...this.codes.values()].reduce((a, b) => a + b, 0) + this.noAnswer;
  }
  toJSON() {
    return { ...Object.fromEntries(this.codes), noAnswer: this.noAnswer };
  }
}

/**
 * Sends one batch with this key until it is answered (as a client's queue does), each retry with
 * the same key: the answer, how many tries failed, and their codes in `failures`.
 */
export async function saveUntilAnswered(
  client: () => GqlClient,
  changes: object[],
  failures: Failures,
  key = randomUUID(),
  giveUpMs = 30_000,
): Promise<SaveAnswer['setMarks']> {
  const deadline = Date.now() + giveUpMs;
  for (;;) {
    try {
      const r = await client().request<SaveAnswer>(SAVE, { c: changes, k: key });
      if (r.data?.setMarks) return r.data.setMarks;
      failures.add(String(r.errors?.[0]?.extensions?.code ?? `HTTP ${r.status}`));
    } catch {
      failures.add(undefined);
    }
    if (Date.now() > deadline) throw new Error('a batch was not answered within its time');
    await sleep(200);
  }
}

export interface LiveEvent {
  id: string;
  type: string;
  payload: string;
}

const DIARY = 'subscription($p:ID!,$a:ID){diaryEvents(pupilId:$p,after:$a){id type payload}}';

/**
 * A parent's live diary as the app keeps it: one graphql-ws socket; when it closes, a new one
 * subscribes again with `after` the last event seen. It drops nothing, so repeats can be counted.
 */
export class ResumingDiary {
  readonly received: LiveEvent[] = [];
  /** Errors other than a lost socket (a refusal, RESYNC_REQUIRED): none expected. */
  readonly errors: unknown[] = [];
  reconnects = 0;
  #client: Client | undefined;
  #stopped = false;

  constructor(
    private readonly server: () => ServerProcess,
    private readonly cookie: string,
    private readonly pupilId: string,
  ) {}

  /** Marks received (`MARK_SAVED`), by id, in arrival order. */
  get markIds(): string[] {
    return this.received
      .filter((e) => e.type === 'MARK_SAVED')
      .map((e) => (JSON.parse(e.payload) as { id: string }).id);
  }

  async start(): Promise<void> {
    while (!this.#stopped) {
      const after = this.received.at(-1)?.id ?? null;
      const { url, origin } = this.server();
      const cookie = this.cookie;
      class Authed extends WebSocket {
        constructor(u: string, protocols?: string | string[]) {
          super(u, protocols, { headers: { cookie, origin } });
        }
      }
      let closed: () => void = () => {};
      const gone = new Promise<void>((r) => (closed = r));
      const client = createClient({
        url: url.replace(/^http/, 'ws'),
        webSocketImpl: Authed,
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => {},
        on: { closed: () => closed() },
      });
      const up = await Promise.race([
        new Promise<boolean>((r) => client.on('connected', () => r(true))),
        gone.then(() => false),
      ]);
      if (!up) {
        await sleep(200);
        continue;
      }
      this.#client = client;
      client.subscribe<{ diaryEvents: LiveEvent }>(
        { query: DIARY, variables: { p: this.pupilId, a: after } },
        {
          next: (r) => {
            if (r.errors) this.errors.push(r.errors);
            if (r.data) this.received.push(r.data.diaryEvents);
          },
          error: (e) => {
            if (!(e && typeof e === 'object' && 'code' in e)) this.errors.push(e);
          },
          complete: () => {},
        },
      );
      void gone.then(() => {
        if (this.#stopped) return;
        this.reconnects++;
        void this.start();
      });
      return;
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#client?.dispose();
  }
}

/** A free TCP port on the loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A redis-server of our own, without persistence, stopped and started on the same port. */
export class OwnRedis {
  private child: ChildProcess | undefined;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    this.child = child;
    const ready = await new Promise<boolean>((resolve) => {
      child.stdout!.on('data', (d: Buffer) => {
        if (/Ready to accept connections/i.test(d.toString())) resolve(true);
      });
      child.once('exit', () => resolve(false));
    });
    if (!ready) throw new Error('redis-server did not start');
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    this.child = undefined;
  }
}
