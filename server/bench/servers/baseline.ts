/**
 * The baseline: a bare node:http server that answers every request with one hand-written SQL
 * statement through `pg`, returned as JSON. No sessions, no GraphQL, no ORM.
 * argv: databaseUrl, sql name (journal | diary), JSON array of parameters.
 */
import http from 'node:http';
import pg from 'pg';
import { PAGE_SQL } from '../../src/modules/journal/journal.service.js';
import { WEEK_SQL } from '../../src/modules/diary/diary.service.js';

const [url, name, paramsJson] = process.argv.slice(2);
const knexStyle = name === 'journal' ? PAGE_SQL : WEEK_SQL;
let i = 0;
const sql = knexStyle.replace(/\?/g, () => `$${++i}`);
const params = JSON.parse(paramsJson) as unknown[];
const pool = new pg.Pool({ connectionString: url, max: 10 });

const server = http.createServer((_req, res) => {
  pool.query(sql, params).then(
    (r) => {
      const body = JSON.stringify(r.rows);
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
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    JSON.stringify({ port: (server.address() as import('node:net').AddressInfo).port }) + '\n',
  );
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
