/**
 * One of the capacity benchmark's client processes (`bench/capacity.ts`): holds up to a few
 * thousand graphql-ws subscriptions to the diary, each on its own socket, from its own loopback
 * address (argv[2], e.g. 127.0.0.3), so that no two processes share a range of ephemeral ports.
 *
 * Commands, one JSON line each on stdin; one JSON line answers each on stdout:
 * - `{"cmd":"open","port":N,"subs":[[token,pupilId],…]}`: opens them (at most IN_FLIGHT
 *   handshakes at a time), answers `{"opened":n,"failed":f}` once every one is acknowledged.
 * - `{"cmd":"probed","id":"…"}`: answers `{"missing":n,"pupils":[…],"refused":r,"closed":c}`: the
 *   sockets that have not yet received the event of that id (or a later one) and their pupils, the
 *   subscriptions refused so far
 *   (each subscribed again 1-2 s later), the sockets closed.
 * - `{"cmd":"report"}`: answers the delay of every event received since the last report, from
 *   its `at` (written at commit) to arrival, by type: `{"byType":{"LESSON_UPDATED":[ms,…]},"last":{…}}`
 *   (`last`: the latest arrival of each type, as a delay).
 */
import readline from 'node:readline';
import WebSocket from 'ws';

const localAddress = process.argv[3] ?? '127.0.0.1';
const IN_FLIGHT = 50;
const QUERY = `subscription($p:ID!){diaryEvents(pupilId:$p){id type payload at}}`;

interface Next {
  type: string;
  payload?: { data?: { diaryEvents?: { id: string; type: string; at: string } } };
}

const sockets: WebSocket[] = [];
/** The id of the last event each socket received (decimal text; compared by length, then text). */
const lastId: string[] = [];
/** The pupil whose diary each socket follows. */
const pupilOf: number[] = [];
/** Subscriptions the server refused (e.g. its database busy), each subscribed again later. */
let refused = 0;
let delays: Record<string, number[]> = {};

const after = (a: string, b: string) => (a.length !== b.length ? a.length > b.length : a >= b);

function open(port: number, token: string, pupilId: number): Promise<boolean> {
  const index = sockets.length;
  lastId.push('');
  pupilOf.push(pupilId);
  const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', {
    headers: { cookie: `otmetka_session=${token}`, origin: `http://127.0.0.1:${port}` },
    localAddress,
    perMessageDeflate: false,
  });
  sockets.push(ws);
  const subscribe = () =>
    ws.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: QUERY, variables: { p: String(pupilId) } },
      }),
    );
  return new Promise((resolve) => {
    ws.on('open', () => ws.send('{"type":"connection_init"}'));
    ws.on('error', () => resolve(false));
    ws.on('close', () => resolve(false));
    ws.on('message', (raw: Buffer) => {
      const msg = JSON.parse(raw.toString()) as Next;
      if (msg.type === 'connection_ack') {
        subscribe();
        resolve(true);
      } else if (msg.type === 'error') {
        // As the app's pages do (client/src/lib/live/backoff.ts): again after 1-2 s.
        refused++;
        setTimeout(subscribe, 1000 + Math.random() * 1000);
      } else if (msg.type === 'next') {
        const e = msg.payload?.data?.diaryEvents;
        if (!e) return;
        lastId[index] = e.id;
        (delays[e.type] ??= []).push(Date.now() - Date.parse(e.at));
      } else if (msg.type === 'ping') {
        ws.send('{"type":"pong"}');
      }
    });
  });
}

async function openAll(port: number, subs: [string, number][]) {
  let opened = 0;
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < subs.length) {
      const [token, pupilId] = subs[next++];
      if (await open(port, token, pupilId)) opened++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { opened, failed };
}

const answer = (value: unknown) => process.stdout.write(JSON.stringify(value) + '\n');

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line) as
    | { cmd: 'open'; port: number; subs: [string, number][] }
    | { cmd: 'probed'; id: string }
    | { cmd: 'report' };
  if (m.cmd === 'open') void openAll(m.port, m.subs).then(answer);
  else if (m.cmd === 'probed') {
    const closed = sockets.filter((ws) => ws.readyState !== WebSocket.OPEN).length;
    const waiting = lastId.flatMap((id, i) => (!id || !after(id, m.id) ? [i] : []));
    const pupils = [...new Set(waiting.map((i) => pupilOf[i]))];
    answer({ missing: waiting.length, pupils, refused, closed });
  } else {
    const byType = delays;
    delays = {};
    const last = Object.fromEntries(
      Object.entries(byType).map(([t, d]) => [t, d.reduce((a, b) => Math.max(a, b), 0)]),
    );
    answer({ byType, last });
  }
});
process.stdout.write(JSON.stringify({ port: 0 }) + '\n');

process.on('SIGTERM', () => {
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
