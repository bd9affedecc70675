/**
 * A client process of the benchmarks that time live delivery (`bench/cancelled-days.ts`,
 * `bench/push.ts`): holds a share of the sockets, each subscribed to the feeds it is given, so
 * that the clients' own work (frames, JSON.parse) is spread over processes and does not queue
 * behind one event loop.
 *
 * Commands, one JSON line each on stdin; one JSON line answers each:
 * - `{"cmd":"open","port":N,"tokens":[…],"feeds":["subscription{…{… at}}",…],"measure":"re"}`:
 *   opens the sockets, subscribes each to every feed (each must select the event's `at`), answers
 *   `{"opened":n,"failed":f}` once each socket's subscriptions are sent.
 * - `{"cmd":"report"}`: answers `{"delays":[ms,…]}`: for each frame a socket got that matches the
 *   regular expression `measure`, the time from the event's `at` (stamped at commit) to its
 *   arrival here.
 */
import readline from 'node:readline';
import WebSocket from 'ws';

const IN_FLIGHT = 100;
const sockets: WebSocket[] = [];
const delays: number[] = [];

interface Open {
  cmd: 'open';
  port: number;
  tokens: string[];
  feeds: string[];
  measure: string;
}

function open(m: Open, token: string, measure: RegExp): Promise<boolean> {
  const ws = new WebSocket(`ws://127.0.0.1:${m.port}/graphql`, 'graphql-transport-ws', {
    headers: { cookie: `otmetka_session=${token}`, origin: `http://127.0.0.1:${m.port}` },
    perMessageDeflate: false,
  });
  sockets.push(ws);
  return new Promise((resolve) => {
    ws.on('open', () => ws.send('{"type":"connection_init"}'));
    ws.on('error', () => resolve(false));
    ws.on('close', () => resolve(false));
    ws.on('message', (raw: Buffer) => {
      const text = raw.toString();
      if (text.includes('"connection_ack"')) {
        m.feeds.forEach((query, i) =>
          ws.send(JSON.stringify({ id: String(i + 1), type: 'subscribe', payload: { query } })),
        );
        resolve(true);
      } else if (text.includes('"ping"')) {
        ws.send('{"type":"pong"}');
      } else if (measure.test(text)) {
        const now = Date.now();
        const data = (JSON.parse(text) as { payload: { data: Record<string, { at: string }> } })
          .payload.data;
        delays.push(now - Date.parse(Object.values(data)[0].at));
      }
    });
  });
}

async function openAll(m: Open) {
  const measure = new RegExp(m.measure);
  let opened = 0;
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < m.tokens.length) {
      if (await open(m, m.tokens[next++], measure)) opened++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { opened, failed };
}

const answer = (value: unknown) => process.stdout.write(JSON.stringify(value) + '\n');

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line) as Open | { cmd: 'report' };
  if (m.cmd === 'open') void openAll(m).then(answer);
  else answer({ delays });
});
process.stdout.write(JSON.stringify({ port: 0 }) + '\n');

process.on('SIGTERM', () => {
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
