/**
 * The fan-out's baseline, alone in its process as our server is: a bare `ws` server. Clients
 * connect to `/<group>`; a line `go <seconds>` on stdin makes it send the payload (argv[3]) to
 * the groups' sockets class by class, as fast as it can, for that long, and answer `done` on
 * stdout. Prints {"port": N} when ready, stops on SIGTERM.
 */
import readline from 'node:readline';
import { WebSocketServer, type WebSocket } from 'ws';

const payload = process.argv[3];
const groups = new Map<number, WebSocket[]>();
const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
wss.on('connection', (ws, req) => {
  const group = Number((req.url ?? '/0').slice(1));
  if (!groups.has(group)) groups.set(group, []);
  groups.get(group)!.push(ws);
});
wss.once('listening', () => {
  const { port } = wss.address() as import('node:net').AddressInfo;
  process.stdout.write(JSON.stringify({ port }) + '\n');
});

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const [command, seconds] = line.split(' ');
  if (command !== 'go') return;
  const order = [...groups.keys()].sort((a, b) => a - b).map((g) => groups.get(g)!);
  void (async () => {
    const start = Date.now();
    let i = 0;
    while (Date.now() - start < Number(seconds) * 1000) {
      for (const ws of order[i++ % order.length]) ws.send(payload);
      // One round of all classes, then let the sockets' writes go out.
      if (i % order.length === 0) await new Promise((r) => setImmediate(r));
    }
    process.stdout.write('done\n');
  })();
});

process.on('SIGTERM', () => {
  for (const ws of wss.clients) ws.terminate();
  wss.close(() => process.exit(0));
});
