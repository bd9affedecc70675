/**
 * What the bare baselines share: a node:http server that answers each request with the JSON of
 * `answer(body)` (or 500 when it fails), prints {"port": N} when ready, and stops on SIGTERM.
 */
import http from 'node:http';
import type pg from 'pg';

export function serveBare(
  pool: pg.Pool,
  answer: (body: string) => Promise<unknown>,
  ready: (port: number) => void = (port) => process.stdout.write(JSON.stringify({ port }) + '\n'),
): http.Server {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      answer(Buffer.concat(chunks).toString()).then(
        (value) => {
          const body = JSON.stringify(value);
          res.writeHead(200, {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          });
          res.end(body);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    });
  });
  server.listen(0, '127.0.0.1', () =>
    ready((server.address() as import('node:net').AddressInfo).port),
  );
  process.on('SIGTERM', () => {
    server.close();
    void pool.end().then(() => process.exit(0));
  });
  return server;
}
