/**
 * The fan-out's same-work baseline (`bench/fanout.ts`), alone in its process as our server is:
 * what our live path does, done bare. It LISTENs on PostgreSQL, reads the new outbox rows on that
 * connection (as our event bus does), builds each event's frame once, in the bytes our server
 * sends, and writes it with `ws` to the sockets of the event's pupils; no session, subscription,
 * GraphQL or per-event check. On the same port, the bare writer (`fanout-bare-writer.ts`: the
 * update's own statement with its event row and NOTIFY in one transaction) takes the teachers'
 * topic updates when they are written through this process, as ours are by default.
 * argv: databaseUrl, JSON { [lessonId]: { schoolId, teacherId, courseId } }. Clients connect to
 * `/<pupilId>`. Prints {"port": N} when ready, stops on SIGTERM.
 */
import pg from 'pg';
import { WebSocketServer, type WebSocket } from 'ws';
import { EVENTS_CHANNEL } from '../../src/events/outbox.js';
import { serveBare } from './bare.js';
import { bareLessonWrite, type BareLessons } from './fanout-bare-writer.js';

interface Row {
  id: string;
  type: string;
  pupil_ids: number[] | null;
  payload: Record<string, unknown>;
  created_at: Date;
}

const [url, lessonsJson] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 10 });
const byPupil = new Map<number, Set<WebSocket>>();
const listener = new pg.Client({ connectionString: url });
await listener.connect();
let last = (
  await listener.query<{ id: string }>(`select coalesce(max(id), 0)::text as id from domain_event`)
).rows[0].id;
let running = false;
let again = false;

async function drain(): Promise<void> {
  for (;;) {
    const { rows } = await listener.query<Row>({
      name: 'read',
      text: `select id::text, type, pupil_ids, payload, created_at from domain_event
              where id > $1::bigint order by domain_event.id limit 500`,
      values: [last],
    });
    for (const e of rows) {
      last = e.id;
      const frame = JSON.stringify({
        id: '1',
        type: 'next',
        payload: {
          data: {
            diaryEvents: {
              id: e.id,
              type: e.type,
              payload: JSON.stringify(e.payload),
              at: e.created_at.toISOString(),
            },
          },
        },
      });
      for (const p of e.pupil_ids ?? []) for (const ws of byPupil.get(p) ?? []) ws.send(frame);
    }
    if (rows.length < 500) return;
  }
}

function wake(): void {
  if (running) {
    again = true;
    return;
  }
  running = true;
  void drain().finally(() => {
    running = false;
    if (again) {
      again = false;
      wake();
    }
  });
}

listener.on('notification', wake);
await listener.query(`listen ${EVENTS_CHANNEL}`);

const server = serveBare(pool, bareLessonWrite(pool, JSON.parse(lessonsJson) as BareLessons));
const wss = new WebSocketServer({ server });
wss.on('connection', (ws, req) => {
  const pupil = Number((req.url ?? '/0').slice(1));
  let set = byPupil.get(pupil);
  if (!set) byPupil.set(pupil, (set = new Set()));
  set.add(ws);
  ws.on('close', () => set.delete(ws));
});
