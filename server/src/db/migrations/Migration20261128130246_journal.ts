import { Migration } from '@mikro-orm/migrations';

export class Migration20261128130246_journal extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "attendance_kind" as enum ('ABSENT', 'SICK', 'EXCUSED', 'LATE');`);
    this.addSql(
      `create table "audit_event" ("id" bigserial primary key, "school_id" int not null, "actor_id" int not null, "at" timestamptz not null default now(), "entity" varchar(30) not null, "entity_id" int not null, "action" varchar(20) not null, "before" jsonb null, "after" jsonb null, "reason" varchar(500) null);`,
    );
    this.addSql(
      `create index "audit_event_entity_entity_id_index" on "audit_event" ("entity", "entity_id");`,
    );

    this.addSql(
      `create table "attendance_code" ("id" serial primary key, "school_id" int not null, "code" varchar(4) not null, "name" varchar(60) not null, "kind" "attendance_kind" not null, "active" boolean not null default true);`,
    );
    this.addSql(
      `alter table "attendance_code" add constraint "attendance_code_school_id_code_unique" unique ("school_id", "code");`,
    );

    this.addSql(
      `create table "period_mark" ("id" serial primary key, "school_id" int not null, "course_id" int not null, "pupil_id" int not null, "period_id" int null, "value" varchar(8) null, "version" int not null default 1, "updated_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create unique index "period_mark_year_unique" on "period_mark" ("course_id", "pupil_id") where "period_id" is null;`,
    );
    this.addSql(
      `alter table "period_mark" add constraint "period_mark_course_id_pupil_id_period_id_unique" unique ("course_id", "pupil_id", "period_id");`,
    );

    this.addSql(
      `create table "lesson" ("id" serial primary key, "school_id" int not null, "course_id" int not null, "date" date not null, "number" smallint not null, "topic" text null, "homework" text null, "note" text null, "cancelled" boolean not null default false, "substitute_id" int null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "lesson" add constraint "lesson_course_id_date_number_unique" unique ("course_id", "date", "number");`,
    );

    this.addSql(
      `create table "attendance" ("id" serial primary key, "school_id" int not null, "lesson_id" int not null, "pupil_id" int not null, "code_id" int null, "reason" varchar(300) null, "version" int not null default 1, "updated_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "attendance_pupil_id_index" on "attendance" ("pupil_id");`);
    this.addSql(
      `alter table "attendance" add constraint "attendance_lesson_id_pupil_id_unique" unique ("lesson_id", "pupil_id");`,
    );

    this.addSql(
      `create table "timetable_slot" ("id" serial primary key, "school_id" int not null, "course_id" int not null, "weekday" smallint not null, "lesson_number" smallint not null, "valid_from" date not null, "valid_to" date not null, constraint timetable_slot_dates_check check (valid_from <= valid_to), constraint timetable_slot_number_check check ((lesson_number >= 0) AND (lesson_number <= 12)), constraint timetable_slot_weekday_check check ((weekday >= 1) AND (weekday <= 7)));`,
    );
    this.addSql(`create index "timetable_slot_course_id_index" on "timetable_slot" ("course_id");`);

    this.addSql(
      `create table "work_type" ("id" serial primary key, "school_id" int not null, "name" varchar(60) not null, "short_name" varchar(12) not null, "weight" numeric(4,2) not null, "sort" smallint not null default 0, "active" boolean not null default true, constraint work_type_weight_check check ((weight > (0)::numeric) AND (weight <= (10)::numeric)));`,
    );
    this.addSql(
      `alter table "work_type" add constraint "work_type_school_id_name_unique" unique ("school_id", "name");`,
    );

    this.addSql(
      `create table "mark" ("id" serial primary key, "school_id" int not null, "lesson_id" int not null, "pupil_id" int not null, "work_type_id" int not null, "value" varchar(8) not null, "score" smallint null, "comment" varchar(500) null, "removed_at" timestamptz null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create index "mark_pupil_id_lesson_id_index" on "mark" ("pupil_id", "lesson_id");`,
    );
    this.addSql(`create index "mark_lesson_id_index" on "mark" ("lesson_id");`);

    this.addSql(
      `alter table "audit_event" add constraint "audit_event_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "attendance_code" add constraint "attendance_code_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "period_mark" add constraint "period_mark_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "period_mark" add constraint "period_mark_course_id_foreign" foreign key ("course_id") references "course" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "period_mark" add constraint "period_mark_pupil_id_foreign" foreign key ("pupil_id") references "person" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "period_mark" add constraint "period_mark_period_id_foreign" foreign key ("period_id") references "study_period" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "lesson" add constraint "lesson_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "lesson" add constraint "lesson_course_id_foreign" foreign key ("course_id") references "course" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "lesson" add constraint "lesson_substitute_id_foreign" foreign key ("substitute_id") references "person" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "attendance" add constraint "attendance_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "attendance" add constraint "attendance_lesson_id_foreign" foreign key ("lesson_id") references "lesson" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "attendance" add constraint "attendance_pupil_id_foreign" foreign key ("pupil_id") references "person" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "attendance" add constraint "attendance_code_id_foreign" foreign key ("code_id") references "attendance_code" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "timetable_slot" add constraint "timetable_slot_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "timetable_slot" add constraint "timetable_slot_course_id_foreign" foreign key ("course_id") references "course" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "work_type" add constraint "work_type_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "mark" add constraint "mark_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "mark" add constraint "mark_lesson_id_foreign" foreign key ("lesson_id") references "lesson" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "mark" add constraint "mark_pupil_id_foreign" foreign key ("pupil_id") references "person" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "mark" add constraint "mark_work_type_id_foreign" foreign key ("work_type_id") references "work_type" ("id") on update cascade;`,
    );

    // Existing schools get the default symbols; new rows get them from the entity.
    this.addSql(
      `alter table "school" add column "mark_symbols" jsonb not null default '[{"code":"зч","name":"зачёт"},{"code":"нз","name":"незачёт"},{"code":"осв","name":"освобождён"}]';`,
    );
    this.addSql(`alter table "school" alter column "mark_symbols" drop default;`);

    this.addSql(`alter table "study_period" add column "locked_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "attendance" drop constraint "attendance_code_id_foreign";`);

    this.addSql(`alter table "attendance" drop constraint "attendance_lesson_id_foreign";`);

    this.addSql(`alter table "mark" drop constraint "mark_lesson_id_foreign";`);

    this.addSql(`alter table "mark" drop constraint "mark_work_type_id_foreign";`);

    this.addSql(`drop table if exists "audit_event" cascade;`);

    this.addSql(`drop table if exists "attendance_code" cascade;`);

    this.addSql(`drop table if exists "period_mark" cascade;`);

    this.addSql(`drop table if exists "lesson" cascade;`);

    this.addSql(`drop table if exists "attendance" cascade;`);

    this.addSql(`drop table if exists "timetable_slot" cascade;`);

    this.addSql(`drop table if exists "work_type" cascade;`);

    this.addSql(`drop table if exists "mark" cascade;`);

    this.addSql(`alter table "school" drop column "mark_symbols";`);

    this.addSql(`alter table "study_period" drop column "locked_at";`);

    this.addSql(`drop type "attendance_kind";`);
  }
}
