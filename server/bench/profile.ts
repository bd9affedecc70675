/**
 * npm run bench -- profile
 *
 * Where a read's server CPU goes: for each read of `requests` (and `{ __typename }`, the floor),
 * and the journal page and the diary week of `journal` and `diary`, a server of ours in its own process under `--cpu-prof`, loaded alone for BENCH_SECONDS (default
 * 5) with BENCH_CONNECTIONS in flight, then stopped; its profile's samples are summed by who ran
 * them (the package under node_modules, our source folder, Node's internals, the garbage
 * collector, idle) and the heaviest functions listed. BENCH_PROFILE_READS=typename,me picks reads;
 * the profiles stay in BENCH_PROFILE_DIR (default a new directory under the system's temp).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { closedLoops, startServer, stopServer } from './processes.js';
import { closeConnections, graphQLOk } from './http.js';
import { benchReads } from './requests.js';
import { benchSession } from './setup.js';
import { diaryScenario, journalScenario, type Scenario } from './pages.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

export async function profile(orm: MikroORM, url: string): Promise<void> {
  const { tokens, reads } = await benchReads(orm);
  const em = orm.em.fork();
  const page = async (s: Scenario) => ({
    token: await benchSession(em, s.personId),
    query: s.query,
    variables: s.variables,
  });
  const all: Record<string, { token: string; query: string; variables?: Record<string, unknown> }> =
    {
      typename: { token: tokens.teacher, query: '{ __typename }' },
      ...reads,
      journal: await page(await journalScenario(orm)),
      diary: await page(await diaryScenario(orm)),
    };
  const picked = (process.env.BENCH_PROFILE_READS ?? Object.keys(all).join(',')).split(',');
  const root =
    process.env.BENCH_PROFILE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'otmetka-profile-'));
  fs.mkdirSync(root, { recursive: true });
  for (const name of picked) {
    const read = all[name];
    if (!read) throw new Error(`no read ${name}: ${Object.keys(all).join(', ')}`);
    const file = path.join(root, `${name}.cpuprofile`);
    process.env.BENCH_PROFILE_TO = file;
    const server = await startServer(url);
    delete process.env.BENCH_PROFILE_TO;
    const signalled = (answer: string) =>
      new Promise<void>((resolve) => {
        server.lines.once('line', (l) => l === answer && resolve());
        server.child.kill('SIGUSR2');
      });
    let result;
    try {
      const send = () => graphQLOk(server.port, read.token, read.query, read.variables);
      for (let i = 0; i < 200; i++) await send();
      await signalled('profiling');
      result = await closedLoops(
        server.child.pid!,
        Array.from({ length: CONNECTIONS }, () => send),
        SECONDS,
      );
      await signalled('profiled');
    } finally {
      await stopServer(server.child);
      closeConnections();
    }
    console.log(
      `\n${name}: ${result.rps} rps, ${result.serverMs} ms of server CPU per request (load ${os.loadavg()[0].toFixed(2)}); ${file}`,
    );
    summarise(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile, result.rps * SECONDS);
  }
}

interface Profile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** Who ran a frame: a package, our folder, Node, or V8's own pseudo-frames. */
function owner(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/server\/(src|bench)\/(?:modules\/)?([^/]+)/.exec(url);
  if (ours) return `ours: ${ours[1]}/${ours[2]}`;
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/').slice(0, 2).join('/')}`;
  return url;
}

function summarise(p: Profile, requests: number): void {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i])!;
    const dt = p.timeDeltas[i] / 1000;
    total += dt;
    const o = owner(n.callFrame.url, n.callFrame.functionName);
    self.set(o, (self.get(o) ?? 0) + dt);
    const f = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/.*node_modules\//, '').replace(/.*\/server\//, '')}:${n.callFrame.lineNumber + 1}`;
    fns.set(f, (fns.get(f) ?? 0) + dt);
  }
  const busy = total - (self.get('(idle)') ?? 0);
  const layers = new Map<string, number>();
  for (const [o, ms] of self) {
    if (o === '(idle)') continue;
    const l = layerOf(o);
    layers.set(l, (layers.get(l) ?? 0) + ms);
  }
  const table = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(
        ([k, v]) =>
          `  ${((v / busy) * 100).toFixed(1).padStart(5)} %  ${(v / requests).toFixed(3)} ms/req  ${k}`,
      )
      .join('\n');
  console.log(
    `busy ${(busy / 1000).toFixed(2)} s of ${(total / 1000).toFixed(2)} s; self time by owner (share of busy):`,
  );
  console.log(table(self, 25));
  console.log('by layer:');
  console.log(table(layers, 12));
  console.log('heaviest functions (self):');
  console.log(table(fns, 30));
}

/** The layers of a request, for the attribution in docs/PERFORMANCE.md: the first that matches. */
const LAYERS: [RegExp, string][] = [
  [
    /^(express|router|body-parser|raw-body|@as-integrations|content-type|type-is|media-typer|negotiator|mime|accepts|on-finished|finalhandler|send|serve-static|cookie|qs|encodeurl|parseurl|depd|http-errors|iconv|statuses|vary|fresh|etag|content-disposition|merge-descriptors|safe-buffer|setprototypeof|unpipe|destroy|ee-first|bytes|escape-html|proxy-addr|forwarded|ipaddr)/,
    'Express, its body parser and response',
  ],
  [
    /^(@apollo|@escape\.tech|lodash|whatwg-mimetype|@graphql-tools|uuid|loglevel|async-retry|lru-cache)/,
    'Apollo Server (pipeline, plugins)',
  ],
  [
    /^(graphql|type-graphql|dataloader|graphql-scalars)$/,
    'graphql-js and type-graphql (execution)',
  ],
  [
    /^(pg|pg-protocol|pg-types|pg-pool|postgres-|knex|tarn|@mikro-orm)/,
    'database client (pg, knex, MikroORM)',
  ],
  [/^ours:/, 'ours (context, resolvers, read models)'],
  [/^\(garbage collector\)$/, 'garbage collector'],
  [/async_hooks/, 'async context (AsyncLocalStorage hooks)'],
  [/^(node:|\(native\)$|\(program\)$)/, 'Node: HTTP, sockets, streams, syscalls'],
];

function layerOf(owner: string): string {
  return LAYERS.find(([re]) => re.test(owner))?.[1] ?? `other: ${owner}`;
}
