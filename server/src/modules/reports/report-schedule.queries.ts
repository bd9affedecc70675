import type { EntityManager } from '@mikro-orm/postgresql';
import { Permission, rolesWith } from '../../auth/policy.js';
import type { ReportScheduleFrequency, StoredSpec } from './report-view.entity.js';

/** A scheduled view as the timer reads it, with its school's time zone. */
export interface ScheduledView {
  id: number;
  schoolId: number;
  timeZone: string;
  ownerId: number;
  name: string;
  description: string;
  spec: StoredSpec;
  frequency: ReportScheduleFrequency;
  day: number;
  hour: number;
  from: string | null;
  done: string | null;
}

/** Every live scheduled view of every school: one statement (a partial index on the scheduled). */
export function scheduledViews(em: EntityManager): Promise<ScheduledView[]> {
  return em.execute<ScheduledView[]>(
    `select v.id, v.school_id as "schoolId", s.time_zone as "timeZone", v.owner_id as "ownerId",
            v.name, v.description, v.spec, v.schedule_frequency as frequency,
            v.schedule_day as day, v.schedule_hour as hour, v.schedule_from as "from",
            v.schedule_done::text as done
       from report_view v join school s on s.id = v.school_id
      where v.schedule_frequency <> 'OFF' and v.deleted_at is null
      order by v.school_id, v.id`,
  );
}

/** A member the occurrence is due to, and the language their mails are in (null: none kept). */
export interface DueRecipient {
  id: number;
  lang: string | null;
}

/**
 * The view's audience now, as sharing resolves it (holders of its roles and the staff it names,
 * in its school, with an active account and a role that runs reports; not the owner, who sends
 * it), less those the occurrence already reached, each with the language kept with their mail
 * settings (decision 67): one statement.
 */
export function dueRecipients(
  em: EntityManager,
  viewId: number,
  occursOn: string,
): Promise<DueRecipient[]> {
  return em.execute<DueRecipient[]>(
    `select p.id, ms.lang
       from report_view v join person p on p.school_id = v.school_id
       left join mail_setting ms on ms.person_id = p.id
      where v.id = ? and p.id <> v.owner_id
        and (p.id = any(v.audience_person_ids) or exists (
              select 1 from role_grant g where g.person_id = p.id and g.role::text = any(v.audience_roles)))
        and exists (select 1 from role_grant g where g.person_id = p.id and g.role::text = any(?::text[]))
        and exists (select 1 from user_account a where a.person_id = p.id and a.active)
        and not exists (select 1 from report_view_delivery d
                         where d.view_id = v.id and d.occurs_on = ?::date and d.person_id = p.id)
      order by p.id`,
    [viewId, `{${rolesWith(Permission.ReportsRead).join(',')}}`, occursOn],
  );
}

/**
 * Claims the occurrence for one recipient inside the sending transaction: the row is unique per
 * view, occurrence and person, so of two processes one inserts and the other (waiting on the
 * index until the first commits) inserts nothing. Answers the claim's id, or null.
 */
export async function claimDelivery(
  em: EntityManager,
  view: Pick<ScheduledView, 'id' | 'schoolId'>,
  occursOn: string,
  personId: number,
): Promise<string | null> {
  const [row] = await em.execute<{ id: string }[]>(
    `insert into report_view_delivery (school_id, view_id, occurs_on, person_id)
     values (?, ?, ?, ?) on conflict do nothing returning id::text`,
    [view.schoolId, view.id, occursOn, personId],
  );
  return row?.id ?? null;
}

/** Marks the occurrence as sent to everyone: the timer skips the view until the next one. */
export async function markDone(em: EntityManager, viewId: number, occursOn: string) {
  await em.execute(
    `update report_view set schedule_done = ?::date
      where id = ? and (schedule_done is null or schedule_done < ?::date)`,
    [occursOn, viewId, occursOn],
  );
}
