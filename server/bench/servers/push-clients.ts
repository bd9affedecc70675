/**
 * A client process of the push benchmark (`bench/push.ts`): holds a share of the families'
 * sockets, each subscribed to `notifications` (marks) and `messagingEvents` (announcements), the
 * feeds the app listens to, so that their delivery during the push burst is measured apart from
 * the server's and the push service's work.
 *
 * Commands, one JSON line each on stdin; one JSON line answers each:
 * - `{"cmd":"open","port":N,"tokens":[…]}`: opens them, answers `{"opened":n,"failed":f}` once
 *   each socket's subscriptions are sent.
 * - `{"cmd":"report"}`: answers `{"delays":[ms,…]}`: for each MARK_SAVED and ANNOUNCEMENT_POSTED
 *   a socket got, the time from the event's `at` (stamped at commit) to its arrival here.
 */
import readline from 'node:readline';
import WebSocket from 'ws';

const IN_FLIGHT = 50;
const FEEDS = ['notifications', 'messagingEvents'];
const MEASURED = /"type":"(MARK_SAVED|ANNOUNCEMENT_POSTED)"/;
const sockets: WebSocket[] = [];
const delays: number[] = [];

function open(port: number, token: string): Promise<boolean> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws', {
    headers: { cookie: `otmetka_session=${token}`, origin: `http://127.0.0.1:${port}` },
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
        FEEDS.forEach((feed, i) =>
          ws.send(
            JSON.stringify({
              id: String(i + 1),
              type: 'subscribe',
              payload: { query: `subscription{${feed}{id type at}}` },
            }),
          ),
        );
        resolve(true);
      } else if (text.includes('"ping"')) {
        ws.send('{"type":"pong"}');
      } else if (MEASURED.test(text)) {
        const now = Date.now();
        const data = (JSON.parse(text) as { payload: { data: Record<string, { at: string }> } })
          .payload.data;
        delays.push(now - Date.parse(Object.values(data)[0].at));
      }
    });
  });
}

async function openAll(port: number, tokens: string[]) {
  let opened = 0;
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < tokens.length) {
      if (await open(port, tokens[next++])) opened++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return { opened, failed };
}

const answer = (value: unknown) => process.stdout.write(JSON.stringify(value) + '\n');

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line) as { cmd: 'open'; port: number; tokens: string[] } | { cmd: 'report' };
  if (m.cmd === 'open') void openAll(m.port, m.tokens).then(answer);
  else answer({ delays });
});
process.stdout.write(JSON.stringify({ port: 0 }) + '\n');

process.on('SIGTERM', () => {
  for (const ws of sockets) ws.terminate();
  process.exit(0);
});
