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
const pool = new pg.Pool({ connectionString: url, max: 10 });

serveBare(pool, async () => (await pool.query(sql, params)).rows);
