/**
 * The baseline: a bare node:http server that answers every request with one hand-written SQL
 * statement through `pg`, returned as JSON. No sessions, no GraphQL, no ORM.
 * argv: databaseUrl, sql name (journal | diary), JSON array of parameters.
 */
import pg from 'pg';
import { serveBare } from './bare.js';
import { PAGE_SQL } from '../../src/modules/journal/journal.service.js';
import { WEEK_SQL } from '../../src/modules/diary/diary.service.js';

const [url, name, paramsJson] = process.argv.slice(2);
const knexStyle = name === 'journal' ? PAGE_SQL : WEEK_SQL;
let i = 0;
const sql = knexStyle.replace(/\?/g, () => `$${++i}`);
const params = JSON.parse(paramsJson) as unknown[];
// JIT off, as on our own connections (decision 32): with a stock PostgreSQL's JIT on, the
// baseline compiled the page's and the week's plans on every request and flattered our ratio.
const pool = new pg.Pool({ connectionString: url, max: 10, options: '-c jit=off' });

// A named statement, prepared once per connection, as ours is (decision 22): planning the page's
// or the week's statement costs more than running it.
serveBare(pool, async () => (await pool.query({ name, text: sql, values: params })).rows);
