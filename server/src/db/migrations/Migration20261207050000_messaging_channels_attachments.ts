import { Migration } from '@mikro-orm/migrations';

/**
 * Messaging, the rest of issue 21: attachments kept in PostgreSQL (decision 0041) with a link
 * table per owner kind (messages here), class channels and the staff room whose members are
 * computed from enrolment, guardianship and roles (decision 0042, `conversation_people`),
 * full-text search in Russian, reports to the administration, staff working hours and the
 * messages held back from a person outside them.
 */
export class Migration20261207050000_messaging_channels_attachments extends Migration {
  override async up(): Promise<void> {
    const fk = (table: string, column: string, target: string, rule = 'cascade') =>
      this.addSql(
        `alter table "${table}" add constraint "${table}_${column}_foreign" foreign key ("${column}") references "${target}" ("id") on update cascade on delete ${rule};`,
      );

    this.addSql(
      `create table "attachment" ("id" serial primary key, "school_id" int not null, "owner_id" int not null, "name" varchar(255) not null, "content_type" varchar(100) not null, "size" int not null, "data" bytea not null, "created_at" timestamptz not null default now(), "attached_at" timestamptz null);`,
    );
    this.addSql(
      `create index "attachment_unattached_index" on "attachment" ("owner_id", "created_at") where "attached_at" is null;`,
    );
    fk('attachment', 'school_id', 'school');
    fk('attachment', 'owner_id', 'person');
    this.addSql(
      `create table "message_attachment" ("attachment_id" int primary key, "message_id" int not null, "position" smallint not null);`,
    );
    this.addSql(
      `create index "message_attachment_message_id_index" on "message_attachment" ("message_id");`,
    );
    fk('message_attachment', 'attachment_id', 'attachment');
    fk('message_attachment', 'message_id', 'message');

    this.addSql(`alter table "conversation" alter column "created_by_id" drop not null;`);
    this.addSql(
      `alter table "conversation" add column "channel" varchar(8) null check ("channel" in ('CLASS', 'STAFF')), add column "class_group_id" int null, add column "announcement_only" boolean not null default false, add column "closed_at" timestamptz null, add column "closed_by_id" int null;`,
    );
    fk('conversation', 'class_group_id', 'class_group');
    fk('conversation', 'closed_by_id', 'person', 'set null');
    this.addSql(
      `create unique index "conversation_class_channel_unique" on "conversation" ("class_group_id") where "channel" = 'CLASS';`,
    );
    this.addSql(
      `create unique index "conversation_staff_room_unique" on "conversation" ("school_id") where "channel" = 'STAFF';`,
    );
    this.channels();

    this.addSql(
      `alter table "message" add column "search" tsvector generated always as (to_tsvector('russian', "body")) stored;`,
    );
    this.addSql(`create index "message_search_index" on "message" using gin ("search");`);

    this.addSql(
      `create table "message_report" ("id" serial primary key, "school_id" int not null, "message_id" int not null, "reporter_id" int not null, "reason" varchar(500) not null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "message_report" add constraint "message_report_message_reporter_unique" unique ("message_id", "reporter_id");`,
    );
    this.addSql(
      `create index "message_report_school_id_id_index" on "message_report" ("school_id", "id");`,
    );
    fk('message_report', 'school_id', 'school');
    fk('message_report', 'message_id', 'message');
    fk('message_report', 'reporter_id', 'person');

    this.addSql(
      `create table "working_hours" ("person_id" int primary key, "school_id" int not null, "days" smallint[] not null, "starts_at" time not null, "ends_at" time not null, check ("starts_at" < "ends_at"), check ("days" <@ '{1,2,3,4,5,6,7}'::smallint[]));`,
    );
    fk('working_hours', 'school_id', 'school');
    fk('working_hours', 'person_id', 'person');
    this.addSql(
      `create table "message_hold" ("person_id" int not null, "message_id" int not null, "until" timestamptz not null, primary key ("person_id", "message_id"));`,
    );
    this.addSql(`create index "message_hold_until_index" on "message_hold" ("until");`);
    fk('message_hold', 'person_id', 'person');
    fk('message_hold', 'message_id', 'message');
    // When a person's working hours next start, in the school's time zone; null when they are
    // at work at `p_now` or have set no hours.
    this.addSql(`create function "available_from"(p_person int, p_now timestamptz)
returns timestamptz language sql stable as $$
  select case
    when extract(isodow from l.local)::int = any(w.days)
         and l.local::time >= w.starts_at and l.local::time < w.ends_at then null
    else (select min((d::date + w.starts_at) at time zone s.time_zone)
            from generate_series(l.local::date, l.local::date + 7, interval '1 day') d
           where extract(isodow from d)::int = any(w.days)
             and (d::date + w.starts_at) at time zone s.time_zone > p_now) end
    from working_hours w join school s on s.id = w.school_id,
         lateral (select p_now at time zone s.time_zone as local) l
   where w.person_id = p_person
$$;`);
  }

  /**
   * Every class has its parents' channel and every school its staff room, made when the class or
   * the school is, and for those already there. Who is in them is never stored: it is
   * `conversation_people(school, today)`, from the facts, so it cannot drift from them.
   */
  private channels(): void {
    this.addSql(
      `insert into "conversation" ("school_id", "kind", "title", "channel", "class_group_id") select cg.school_id, 'GROUP', cg.grade || cg.letter, 'CLASS', cg.id from "class_group" cg;`,
    );
    this.addSql(
      `insert into "conversation" ("school_id", "kind", "channel") select s.id, 'GROUP', 'STAFF' from "school" s;`,
    );
    this.addSql(`create function "make_class_channel"() returns trigger language plpgsql as $$
begin
  insert into conversation (school_id, kind, title, channel, class_group_id)
  values (new.school_id, 'GROUP', new.grade || new.letter, 'CLASS', new.id);
  return null;
end $$;`);
    this.addSql(
      `create trigger "class_group_channel" after insert on "class_group" for each row execute function "make_class_channel"();`,
    );
    this.addSql(`create function "make_staff_room"() returns trigger language plpgsql as $$
begin
  insert into conversation (school_id, kind, channel) values (new.id, 'GROUP', 'STAFF');
  return null;
end $$;`);
    this.addSql(
      `create trigger "school_staff_room" after insert on "school" for each row execute function "make_staff_room"();`,
    );
    // Keeps the channel's name with the class's (a letter corrected, a class promoted).
    this.addSql(`create function "rename_class_channel"() returns trigger language plpgsql as $$
begin
  update conversation set title = new.grade || new.letter where class_group_id = new.id and channel = 'CLASS';
  return null;
end $$;`);
    this.addSql(
      `create trigger "class_group_channel_name" after update of grade, letter on "class_group" for each row execute function "rename_class_channel"();`,
    );
    // Inlined by the planner: a filter on person or conversation reaches each branch.
    this.addSql(`create function "conversation_people"(p_school int, p_today date)
returns table (conversation_id int, person_id int) language sql stable as $$
  select cm.conversation_id, cm.person_id
    from conversation_member cm join conversation c on c.id = cm.conversation_id
   where cm.school_id = p_school and c.channel is null
  union
  select c.id, g.guardian_id
    from conversation c
    join enrollment e on e.class_group_id = c.class_group_id
     and e.starts_on <= p_today and (e.ends_on is null or e.ends_on >= p_today)
    join guardianship g on g.pupil_id = e.pupil_id
   where c.school_id = p_school and c.channel = 'CLASS'
  union
  select c.id, cg.class_teacher_id
    from conversation c join class_group cg on cg.id = c.class_group_id
    join academic_year y on y.id = cg.academic_year_id
   where c.school_id = p_school and c.channel = 'CLASS' and cg.class_teacher_id is not null
     and p_today between y.starts_on and y.ends_on
  union
  select c.id, g.person_id
    from conversation c join role_grant g on g.school_id = c.school_id
   where c.school_id = p_school and c.channel = 'STAFF'
     and g.role::text in ('SYSADMIN', 'DIRECTOR', 'DEPUTY', 'TEACHER')
$$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists "available_from"(int, timestamptz);`);
    this.addSql(`drop table if exists "message_hold" cascade;`);
    this.addSql(`drop table if exists "working_hours" cascade;`);
    this.addSql(`drop table if exists "message_report" cascade;`);
    this.addSql(`drop index if exists "message_search_index";`);
    this.addSql(`alter table "message" drop column if exists "search";`);
    this.addSql(`drop function if exists "conversation_people"(int, date);`);
    this.addSql(`drop trigger if exists "class_group_channel_name" on "class_group";`);
    this.addSql(`drop trigger if exists "class_group_channel" on "class_group";`);
    this.addSql(`drop trigger if exists "school_staff_room" on "school";`);
    this.addSql(`drop function if exists "rename_class_channel"();`);
    this.addSql(`drop function if exists "make_class_channel"();`);
    this.addSql(`drop function if exists "make_staff_room"();`);
    this.addSql(`delete from "conversation" where "channel" is not null;`);
    this.addSql(
      `alter table "conversation" drop column "channel", drop column "class_group_id", drop column "announcement_only", drop column "closed_at", drop column "closed_by_id";`,
    );
    this.addSql(`drop table if exists "message_attachment" cascade;`);
    this.addSql(`drop table if exists "attachment" cascade;`);
  }
}
