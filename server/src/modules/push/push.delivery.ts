import type { EntityManager } from '@mikro-orm/postgresql';
import { liveFeedsAllow, type EventAudience } from '../../events/audience.js';
import { ALL_KINDS, PushKind } from './push.types.js';
import {
  PUSHED_TYPES,
  pushKindOf,
  pushText,
  type EventFacts,
  type PushText,
} from './push.texts.js';

/** How many outbox events one planning step reads. */
const BATCH = 500;

/**
 * Whether `now` (the first parameter) falls in the person's quiet hours, in the school's time
 * zone. `s` is the person's `push_setting` (may be null), `sch` the school. A span whose end is
 * before its start runs over midnight (21:00–07:00).
 */
const QUIET = `(case when s.quiet_from is null or s.quiet_to is null or s.quiet_from = s.quiet_to then false
  when s.quiet_from < s.quiet_to
    then (?::timestamptz at time zone sch.time_zone)::time >= s.quiet_from
     and (?::timestamptz at time zone sch.time_zone)::time < s.quiet_to
  else (?::timestamptz at time zone sch.time_zone)::time >= s.quiet_from
    or (?::timestamptz at time zone sch.time_zone)::time < s.quiet_to end)`;

/** The pushable events after the cursor, with the names their pushes may show. */
const FACTS = `
select e.id::text, e.school_id as "schoolId", e.type, e.pupil_ids as "pupilIds",
       e.person_ids as "personIds", e.course_id as "courseId", e.payload,
       pu.first_name as "pupilName", sj.name as subject,
       coalesce(l.date::text, e.payload->>'date', e.payload->>'weekStart') as date,
       au.last_name || ' ' || au.first_name as "authorName",
       an.title as "announcementTitle", ac.name as "attendanceName"
  from domain_event e
  left join person pu on pu.id = coalesce(e.pupil_ids[1], (e.payload->>'pupilId')::int)
  left join lesson l on l.id = (e.payload->>'lessonId')::int
  left join course co on co.id = coalesce(l.course_id, e.course_id)
  left join subject sj on sj.id = co.subject_id
  left join person au on au.id = (e.payload->>'authorId')::int
  left join announcement an on an.id = (e.payload->>'announcementId')::int
  left join attendance_code ac on ac.id = (e.payload->>'codeId')::int
 where e.id > ?::bigint and e.id <= ?::bigint and e.type = any(?::text[])
 order by e.id`;

/**
 * Everyone an event may concern (guardians and pupils of its pupils, the people it names), each
 * with their devices subscribed before it, their choices and the rights the live feeds judge by.
 * The author of an event is not told of it.
 */
const RECIPIENTS = `
with ev as (select e.id, e.school_id, e.pupil_ids, e.person_ids, e.payload->>'authorId' as author
              from domain_event e where e.id = any(?::bigint[])),
cand as (
  select ev.id, g.guardian_id as person_id from ev join guardianship g on g.pupil_id = any(ev.pupil_ids)
  union select ev.id, p from ev cross join unnest(ev.pupil_ids) p
  union select ev.id, p from ev cross join unnest(ev.person_ids) p)
select cand.id::text as "eventId", d.id as "deviceId", d.person_id as "personId", d.lang,
       array(select gs.pupil_id from guardianship gs where gs.guardian_id = d.person_id) as children,
       exists(select 1 from role_grant r where r.person_id = d.person_id and r.role = 'STUDENT') as student,
       array(select c.id from course c where c.teacher_id = d.person_id) as courses,
       coalesce(s.kinds, ?::text[]) as kinds, coalesce(s.detail, true) as detail, ${QUIET} as quiet
  from cand join ev on ev.id = cand.id
  join push_device d on d.person_id = cand.person_id and d.school_id = ev.school_id
                    and d.after_event_id < ev.id
  join school sch on sch.id = d.school_id
  left join push_setting s on s.person_id = d.person_id
 where coalesce(ev.author, '') <> d.person_id::text
   and exists (select 1 from user_account a where a.person_id = d.person_id and a.active)`;

interface Recipient {
  eventId: string;
  deviceId: number;
  personId: number;
  lang: 'ru' | 'en';
  children: number[];
  student: boolean;
  courses: number[];
  kinds: string[];
  detail: boolean;
  quiet: boolean;
}

interface Planned extends PushText {
  event_id: string;
  device_id: number;
  kind: PushKind;
  held: boolean;
}

/**
 * Reads the outbox past the push cursor and writes one delivery per event and device that the
 * person's live feeds would have delivered it to and whose kind they chose (at most one: the
 * unique key), held when it falls in their quiet hours. One process at a time: the cursor row is
 * locked, and a process that finds it locked leaves the step to the one holding it. Answers the
 * number of deliveries written.
 */
export async function planDeliveries(em: EntityManager, now: Date): Promise<number> {
  return em.transactional(async (tem) => {
    const [cursor] = await tem.execute<{ last: string }[]>(
      `select last_event_id::text as last from push_cursor where id = 1 for update skip locked`,
    );
    if (!cursor) return 0;
    const [bound] = await tem.execute<{ upTo: string | null }[]>(
      `select max(id)::text as "upTo" from (select id from domain_event where id > ?::bigint order by id limit ?) b`,
      [cursor.last, BATCH],
    );
    if (!bound.upTo) return 0;
    const events = await tem.execute<EventFacts[]>(FACTS, [
      cursor.last,
      bound.upTo,
      pgArray(PUSHED_TYPES),
    ]);
    const planned = await plan(tem, events, now);
    if (planned.length > 0) {
      await tem.execute(
        `insert into push_delivery (event_id, device_id, kind, title, body, url, held)
         select x.event_id, x.device_id, x.kind, x.title, x.body, x.url, x.held
           from jsonb_to_recordset(?::jsonb)
                as x(event_id bigint, device_id int, kind text, title text, body text, url text, held boolean)
         on conflict (event_id, device_id) do nothing`,
        [JSON.stringify(planned)],
      );
    }
    await tem.execute(`update push_cursor set last_event_id = ?::bigint where id = 1`, [
      bound.upTo,
    ]);
    return planned.length;
  });
}

/** The deliveries of these events: the live feeds' rule, the person's kinds, their words. */
async function plan(em: EntityManager, events: EventFacts[], now: Date): Promise<Planned[]> {
  const byId = new Map<string, { facts: EventFacts; kind: PushKind }>();
  for (const e of events) {
    const kind = pushKindOf(e);
    if (kind) byId.set(e.id, { facts: e, kind });
  }
  if (byId.size === 0) return [];
  const at = now.toISOString();
  const rows = await em.execute<Recipient[]>(RECIPIENTS, [
    pgArray([...byId.keys()]),
    pgArray(ALL_KINDS),
    at,
    at,
    at,
    at,
  ]);
  const planned: Planned[] = [];
  for (const r of rows) {
    const { facts, kind } = byId.get(r.eventId)!;
    if (!r.kinds.includes(kind) || !liveFeedsAllow(rightsOf(r), facts as EventAudience)) continue;
    const text = pushText(kind, facts, r.lang, r.detail);
    planned.push({ event_id: r.eventId, device_id: r.deviceId, kind, held: r.quiet, ...text });
  }
  return planned;
}

/** What the person's live feeds judge by, as a session of theirs would load it (auth/viewer.ts). */
function rightsOf(r: Recipient) {
  return {
    personId: r.personId,
    ownPupils: new Set([...r.children, ...(r.student ? [r.personId] : [])]),
    courses: new Set(r.courses),
  };
}

/** A device's pushes due now, claimed (marked sent) in the same statement. */
export interface DueDelivery {
  id: string;
  deviceId: number;
  kind: string;
  title: string;
  body: string;
  url: string;
  held: boolean;
  endpoint: string;
  p256dh: string;
  auth: string;
  lang: 'ru' | 'en';
  /** Attempts made before this one (a push refused for now is retried: push.worker.ts). */
  attempts: number;
}

/**
 * Claims the unsent deliveries of devices not in quiet hours now, and not waiting to be retried:
 * marked sent before anything is sent, so a push goes out at most once even if this process dies
 * or another drains alongside. One refused for now is put back by the worker (`putBack`).
 */
export function claimDue(em: EntityManager, now: Date, limit: number): Promise<DueDelivery[]> {
  const at = now.toISOString();
  return em.execute<DueDelivery[]>(
    `with due as (
       select pd.id from push_delivery pd
         join push_device d on d.id = pd.device_id
         join school sch on sch.id = d.school_id
         left join push_setting s on s.person_id = d.person_id
        where pd.sent_at is null and not ${QUIET}
          and (pd.next_attempt_at is null or pd.next_attempt_at <= ?::timestamptz)
        order by pd.id limit ? for update of pd skip locked)
     update push_delivery pd set sent_at = ?::timestamptz
       from due, push_device d
      where pd.id = due.id and d.id = pd.device_id
     returning pd.id::text, pd.device_id as "deviceId", pd.kind, pd.title, pd.body, pd.url,
               pd.held, d.endpoint, d.p256dh, d.auth, d.lang, pd.attempts`,
    [at, at, at, at, at, limit, at],
  );
}

/** Deliveries claimed but refused for now: unsent again, each tried next at its own instant. */
export async function putBack(
  em: EntityManager,
  retries: { id: string; at: Date }[],
): Promise<void> {
  if (retries.length === 0) return;
  await em.execute(
    `update push_delivery pd set sent_at = null, attempts = pd.attempts + 1, next_attempt_at = x.at
       from jsonb_to_recordset(?::jsonb) as x(id bigint, at timestamptz)
      where pd.id = x.id`,
    [JSON.stringify(retries)],
  );
}

/** A PostgreSQL array literal of ids or names (knex would spread a JS array). */
export const pgArray = (xs: readonly (number | string)[]) => `{${xs.join(',')}}`;
