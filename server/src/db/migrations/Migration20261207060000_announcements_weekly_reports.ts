import { Migration } from '@mikro-orm/migrations';

/**
 * Announcements with their recorded audience, behaviour notes, the class teacher's weekly
 * reports (a batch per class and week, a report per pupil) with the view the control area counts,
 * and the per-person read cursor of the notification list (issue 21).
 */
export class Migration20261207060000_announcements_weekly_reports extends Migration {
  override async up(): Promise<void> {
    const fk = (table: string, column: string, target: string, rule = 'cascade') =>
      this.addSql(
        `alter table "${table}" add constraint "${table}_${column}_foreign" foreign key ("${column}") references "${target}" ("id") on update cascade on delete ${rule};`,
      );

    this.addSql(
      `create type "announcement_audience" as enum ('CLASS_PARENTS', 'CLASS_PUPILS', 'GRADE_PARENTS', 'ALL_PARENTS', 'ALL_STAFF');`,
    );
    this.addSql(
      `create table "announcement" ("id" serial primary key, "school_id" int not null, "author_id" int not null, "audience" "announcement_audience" not null, "class_group_id" int null, "grade" smallint null, "title" varchar(200) not null, "body" text not null, "replies_allowed" boolean not null, "ack_required" boolean not null, "created_at" timestamptz not null default now(), "reminded_at" timestamptz null);`,
    );
    this.addSql(
      `create index "announcement_school_id_id_index" on "announcement" ("school_id", "id");`,
    );
    fk('announcement', 'school_id', 'school');
    fk('announcement', 'author_id', 'person');
    fk('announcement', 'class_group_id', 'class_group');

    this.addSql(
      `create table "announcement_recipient" ("id" serial primary key, "school_id" int not null, "announcement_id" int not null, "person_id" int not null, "read_at" timestamptz null, "acknowledged_at" timestamptz null);`,
    );
    this.addSql(
      `alter table "announcement_recipient" add constraint "announcement_recipient_announcement_id_person_id_unique" unique ("announcement_id", "person_id");`,
    );
    this.addSql(
      `create index "announcement_recipient_person_id_announcement_id_index" on "announcement_recipient" ("person_id", "announcement_id");`,
    );
    fk('announcement_recipient', 'school_id', 'school');
    fk('announcement_recipient', 'announcement_id', 'announcement');
    fk('announcement_recipient', 'person_id', 'person');

    this.addSql(`create type "behaviour_note_kind" as enum ('PRAISE', 'REMARK');`);
    this.addSql(
      `create table "behaviour_note" ("id" serial primary key, "school_id" int not null, "pupil_id" int not null, "author_id" int not null, "kind" "behaviour_note_kind" not null, "text" varchar(1000) not null, "lesson_id" int null, "date" date not null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create index "behaviour_note_pupil_id_date_index" on "behaviour_note" ("pupil_id", "date");`,
    );
    fk('behaviour_note', 'school_id', 'school');
    fk('behaviour_note', 'pupil_id', 'person');
    fk('behaviour_note', 'author_id', 'person');
    fk('behaviour_note', 'lesson_id', 'lesson', 'set null');

    this.addSql(
      `create table "weekly_report_batch" ("id" serial primary key, "school_id" int not null, "class_group_id" int not null, "week_start" date not null, "sent_by_id" int not null, "sent_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "weekly_report_batch" add constraint "weekly_report_batch_class_group_id_week_start_unique" unique ("class_group_id", "week_start");`,
    );
    fk('weekly_report_batch', 'school_id', 'school');
    fk('weekly_report_batch', 'class_group_id', 'class_group');
    fk('weekly_report_batch', 'sent_by_id', 'person');

    this.addSql(
      `create table "weekly_report" ("id" serial primary key, "school_id" int not null, "batch_id" int not null, "pupil_id" int not null, "content" jsonb not null, "personal_line" varchar(500) null, "acknowledged_at" timestamptz null, "acknowledged_by_id" int null);`,
    );
    this.addSql(
      `alter table "weekly_report" add constraint "weekly_report_batch_id_pupil_id_unique" unique ("batch_id", "pupil_id");`,
    );
    this.addSql(`create index "weekly_report_pupil_id_index" on "weekly_report" ("pupil_id");`);
    fk('weekly_report', 'school_id', 'school');
    fk('weekly_report', 'batch_id', 'weekly_report_batch');
    fk('weekly_report', 'pupil_id', 'person');
    fk('weekly_report', 'acknowledged_by_id', 'person', 'set null');

    // For the control area (issue 14): one row per class and week sent, with how many of its
    // reports the families have acknowledged. A class-week without a row was not sent.
    this.addSql(
      `create view "weekly_report_status" as
         select b.school_id, b.class_group_id, b.week_start, b.sent_at, b.sent_by_id,
                count(r.id)::int as reports, count(r.acknowledged_at)::int as acknowledged
           from weekly_report_batch b left join weekly_report r on r.batch_id = b.id
          group by b.id;`,
    );

    this.addSql(
      `create table "notification_cursor" ("person_id" int not null, "school_id" int not null, "last_read_event_id" bigint not null default 0, constraint "notification_cursor_pkey" primary key ("person_id"));`,
    );
    fk('notification_cursor', 'person_id', 'person');
    fk('notification_cursor', 'school_id', 'school');
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "notification_cursor" cascade;`);
    this.addSql(`drop view if exists "weekly_report_status";`);
    this.addSql(`drop table if exists "weekly_report" cascade;`);
    this.addSql(`drop table if exists "weekly_report_batch" cascade;`);
    this.addSql(`drop table if exists "behaviour_note" cascade;`);
    this.addSql(`drop type if exists "behaviour_note_kind";`);
    this.addSql(`drop table if exists "announcement_recipient" cascade;`);
    this.addSql(`drop table if exists "announcement" cascade;`);
    this.addSql(`drop type if exists "announcement_audience";`);
  }
}
