import type { EntityManager } from '@mikro-orm/postgresql';
import { Role } from '../../auth/role.js';
import type { Viewer } from '../../auth/viewer.js';
import { badInput, unauthenticated } from '../../errors.js';
import { intInRange, isEventId, parseEventId } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import { CELL_EVENTS, SOURCES } from './notification.sources.js';
import type { NotificationItem, NotificationList } from './notification.types.js';

/** Changes of one journal cell closer together than this read as one change. */
export const COALESCE_SECONDS = 300;

const typesOf = (audience: 'pupil' | 'person') =>
  Object.entries(SOURCES)
    .filter(([, s]) => s.audience === audience)
    .map(([type]) => type);

const KIND = `case e.type ${Object.entries(SOURCES)
  .map(([type, s]) => `when '${type}' then ${s.kind}`)
  .join(' ')} end`;

/**
 * The viewer's notifications, one statement over the outbox (as long as it keeps events,
 * `EVENT_RETENTION_HOURS`, decision 43): the events about the viewer's children (or the viewer,
 * a pupil) and those addressed to the viewer, without the viewer's own; events on one mark
 * within COALESCE_SECONDS of each other folded into one «changed» entry; each unread if past the
 * person's cursor; paged back by the entry id (`after`), one more row read to know of a next page.
 */
const LIST = `
with v as (select ?::int as school, ?::int as me, ?::int[] as own, ?::bigint as seen,
                  ?::int as lim, ?::int as win, ?::bigint as after),
ev as (
  select e.id, e.type, e.payload, e.created_at, e.pupil_ids, e.course_id, ${KIND} as kind,
         case when e.type = any(?::text[])
              then coalesce(e.payload->>'markId', e.payload->>'id') end as cell
    from domain_event e, v
   where e.school_id = v.school
     and ((e.type = any(?::text[]) and e.pupil_ids && v.own)
       or (e.type = any(?::text[]) and e.person_ids @> array[v.me]))
     and coalesce(e.payload->>'authorId', '') <> v.me::text),
starts as (
  select ev.*, case when ev.cell is null or lag(ev.created_at) over w is null
                      or ev.created_at - lag(ev.created_at) over w > make_interval(secs => v.win)
                    then 1 else 0 end as start
    from ev, v window w as (partition by ev.cell order by ev.id)),
grouped as (select s.*, sum(s.start) over (partition by s.cell order by s.id) as grp from starts s),
entries as (
  select max(g.id) as id, count(*)::int as n, max(g.created_at) as at,
         (array_agg(g.kind order by g.id))[1] as kind,
         (array_agg(g.type order by g.id desc))[1] as last_type,
         (array_agg(g.payload order by g.id desc))[1] as payload,
         (array_agg(g.pupil_ids[1] order by g.id))[1] as pupil_id,
         (array_agg(g.course_id order by g.id))[1] as course_id
    from grouped g group by coalesce(g.cell, g.id::text), g.grp)
select en.id::text, case when en.n > 1 then 'MARK_CHANGED' else en.kind end as kind, en.at,
       en.id > v.seen as unread, en.n as count,
       coalesce(en.pupil_id::text, en.payload->>'pupilId') as "pupilId",
       pu.last_name || ' ' || pu.first_name as "pupilName",
       s.name as subject,
       coalesce(l.date, (en.payload->>'weekStart')::date, (en.payload->>'date')::date)::text as date,
       case when en.last_type = 'MARK_REMOVED' then null else en.payload->>'value' end as value,
       coalesce(en.payload->>'announcementId', en.payload->>'conversationId') as "refId",
       (select count(*) from entries x where x.id > v.seen)::int as total_unread
  from entries en cross join v
  left join person pu on pu.id = coalesce(en.pupil_id, (en.payload->>'pupilId')::int)
  left join lesson l on l.id = (en.payload->>'lessonId')::int
  left join course co on co.id = coalesce(l.course_id, en.course_id)
  left join subject s on s.id = co.subject_id
 where v.after is null or en.id < v.after
 order by en.id desc limit (select lim + 1 from v)`;

/** The bell's list: what happened for the viewer, kept while they were away (issue 21). */
export class NotificationService {
  async list(
    { em, viewer }: Scope,
    first: number,
    after?: string | null,
  ): Promise<NotificationList> {
    if (!viewer) throw unauthenticated();
    const lim = intInRange('first', first, 1, 100);
    if (after != null && !isEventId(after)) {
      throw badInput('after', 'INVALID_CURSOR', 'A cursor this list did not give');
    }
    const rows = await em.execute<(NotificationItem & { date: string; total_unread: number })[]>(
      LIST,
      [
        viewer.schoolId,
        viewer.personId,
        pgArray(ownPupils(viewer)),
        await seen(em, viewer),
        lim,
        COALESCE_SECONDS,
        after ?? null,
        pgArray(CELL_EVENTS),
        pgArray(typesOf('pupil')),
        pgArray(typesOf('person')),
      ],
    );
    const page = rows.slice(0, lim);
    return {
      items: page.map(({ total_unread: _, ...r }) => ({ ...r, at: new Date(r.at) })),
      unread: rows[0]?.total_unread ?? 0,
      nextCursor: rows.length > lim ? page[page.length - 1].id : null,
    };
  }

  /** Everything up to this event is read: one write, never backwards. */
  async markRead({ em, viewer }: Scope, upTo: string, first: number): Promise<NotificationList> {
    if (!viewer) throw unauthenticated();
    const id = parseEventId('upTo', upTo);
    await em.execute(
      `insert into notification_cursor (person_id, school_id, last_read_event_id) values (?, ?, ?)
       on conflict (person_id) do update
         set last_read_event_id = greatest(notification_cursor.last_read_event_id,
                                           excluded.last_read_event_id)`,
      [viewer.personId, viewer.schoolId, id.toString()],
    );
    return this.list({ em, viewer }, first);
  }
}

/** A PostgreSQL array literal of ids or event type names (knex would spread a JS array). */
const pgArray = (xs: readonly (number | string)[]) => `{${xs.join(',')}}`;

/** The pupils whose journal events are the viewer's news: own children, or themselves. */
function ownPupils(viewer: Viewer): number[] {
  return [...viewer.childIds, ...(viewer.roles.has(Role.STUDENT) ? [viewer.personId] : [])];
}

async function seen(em: EntityManager, viewer: Viewer): Promise<string> {
  const [row] = await em.execute<{ id: string }[]>(
    `select last_read_event_id::text as id from notification_cursor where person_id = ?`,
    [viewer.personId],
  );
  return row?.id ?? '0';
}
