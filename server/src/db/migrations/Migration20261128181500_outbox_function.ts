import { Migration } from '@mikro-orm/migrations';

/**
 * `outbox_publish`: the only writer of `domain_event`. In one round trip it takes the outbox lock
 * (so ids are drawn in commit order, decision 20), inserts the events and sends NOTIFY, which
 * PostgreSQL delivers on commit only. An event with `pupilsOfLesson` is addressed to the pupils
 * of that lesson: those enrolled in its class on its date and, for a subgroup's course, members.
 * `created_at` (the event's `at`) is the time of writing, just before the commit (publish comes
 * last), not the transaction's start.
 */
export class Migration20261128181500_outbox_function extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
create function outbox_publish(p_school integer, p_events jsonb) returns void
language plpgsql as $fn$
begin
  perform pg_advisory_xact_lock(1869901163);
  insert into domain_event (school_id, type, pupil_ids, course_id, class_group_id, payload, created_at)
  select p_school,
         e->>'type',
         case
           when e ? 'pupilIds' then array(select jsonb_array_elements_text(e->'pupilIds')::integer)
           when e ? 'pupilsOfLesson' then array(
             select distinct en.pupil_id
               from lesson l join course co on co.id = l.course_id
               join enrollment en on en.class_group_id = co.class_group_id and en.starts_on <= l.date
                and (en.ends_on is null or en.ends_on >= l.date)
              where l.id = (e->>'pupilsOfLesson')::integer
                and (co.subgroup_id is null or exists (
                  select 1 from subgroup_member sm where sm.subgroup_id = co.subgroup_id and sm.pupil_id = en.pupil_id))
              order by en.pupil_id)
         end,
         (e->>'courseId')::integer,
         (e->>'classGroupId')::integer,
         coalesce(e->'payload', '{}'::jsonb),
         clock_timestamp()
    from jsonb_array_elements(p_events) with ordinality as x(e, n)
   order by x.n;
  perform pg_notify('otmetka_events', '');
end
$fn$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function outbox_publish(integer, jsonb);`);
  }
}
