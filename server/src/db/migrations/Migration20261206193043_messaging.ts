import { Migration } from '@mikro-orm/migrations';

/**
 * Messaging (issue 21): conversations, their members with a read cursor, messages (tombstoned
 * when deleted) and the revisions an edit or a deletion leaves. The outbox learns to address an
 * event to people by id (`person_ids`): a conversation's events go to its members only.
 */
export class Migration20261206193043_messaging extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "conversation_kind" as enum ('DIRECT', 'GROUP');`);
    this.addSql(
      `create table "conversation" ("id" serial primary key, "school_id" int not null, "kind" "conversation_kind" not null, "title" varchar(120) null, "created_by_id" int not null, "created_at" timestamptz not null default now(), "closed" boolean not null default false, "direct_key" varchar(30) null, "last_message_id" int null);`,
    );
    this.addSql(
      `alter table "conversation" add constraint "conversation_school_id_direct_key_unique" unique ("school_id", "direct_key");`,
    );

    this.addSql(
      `create table "message" ("id" serial primary key, "school_id" int not null, "conversation_id" int not null, "author_id" int not null, "body" text not null, "created_at" timestamptz not null default now(), "edited_at" timestamptz null, "deleted_at" timestamptz null);`,
    );
    this.addSql(
      `create index "message_author_id_created_at_index" on "message" ("author_id", "created_at");`,
    );
    this.addSql(
      `create index "message_conversation_id_id_index" on "message" ("conversation_id", "id");`,
    );

    this.addSql(
      `create table "message_revision" ("id" serial primary key, "school_id" int not null, "message_id" int not null, "body" text not null, "at" timestamptz not null default now());`,
    );
    this.addSql(
      `create index "message_revision_message_id_index" on "message_revision" ("message_id");`,
    );

    this.addSql(
      `create table "conversation_member" ("id" serial primary key, "school_id" int not null, "conversation_id" int not null, "person_id" int not null, "last_read_message_id" int null, "joined_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create index "conversation_member_conversation_id_index" on "conversation_member" ("conversation_id");`,
    );
    this.addSql(
      `alter table "conversation_member" add constraint "conversation_member_person_id_conversation_id_unique" unique ("person_id", "conversation_id");`,
    );

    this.addSql(
      `alter table "conversation" add constraint "conversation_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "conversation" add constraint "conversation_created_by_id_foreign" foreign key ("created_by_id") references "person" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "message" add constraint "message_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "message" add constraint "message_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "message" add constraint "message_author_id_foreign" foreign key ("author_id") references "person" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "message_revision" add constraint "message_revision_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "message_revision" add constraint "message_revision_message_id_foreign" foreign key ("message_id") references "message" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "conversation_member" add constraint "conversation_member_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "conversation_member" add constraint "conversation_member_conversation_id_foreign" foreign key ("conversation_id") references "conversation" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "conversation_member" add constraint "conversation_member_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`alter table "domain_event" add column "person_ids" int[] null;`);
    this
      .addSql(`create or replace function outbox_publish(p_school integer, p_events jsonb) returns void
language plpgsql as $fn$
begin
  perform pg_advisory_xact_lock(1869901163);
  insert into domain_event (school_id, type, pupil_ids, person_ids, course_id, class_group_id, payload, created_at)
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
         case when e ? 'personIds' then array(select jsonb_array_elements_text(e->'personIds')::integer) end,
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
    this.addSql(`alter table "message" drop constraint "message_conversation_id_foreign";`);

    this.addSql(
      `alter table "conversation_member" drop constraint "conversation_member_conversation_id_foreign";`,
    );

    this.addSql(
      `alter table "message_revision" drop constraint "message_revision_message_id_foreign";`,
    );

    this.addSql(`drop table if exists "conversation" cascade;`);

    this.addSql(`drop table if exists "message" cascade;`);

    this.addSql(`drop table if exists "message_revision" cascade;`);

    this.addSql(`drop table if exists "conversation_member" cascade;`);

    this
      .addSql(`create or replace function outbox_publish(p_school integer, p_events jsonb) returns void
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
    this.addSql(`alter table "domain_event" drop column "person_ids";`);

    this.addSql(`drop type "conversation_kind";`);
  }
}
