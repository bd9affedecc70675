import { Migration } from '@mikro-orm/migrations';

/**
 * Scheduled report views (issue 18, decision 64): a view's schedule (off, weekly on an ISO day
 * of the week, monthly on a day of the month; at an hour of the school's day), the school's wall
 * clock when it was set (occurrences before it are not sent), and the last occurrence sent to
 * everyone. One delivery row per view, occurrence and recipient (unique): a scheduled message
 * goes out once, whatever the number of processes or restarts.
 */
export class Migration20261208120000_report_schedules extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "report_view" add column "schedule_frequency" varchar(10) not null default 'OFF', add column "schedule_day" smallint null, add column "schedule_hour" smallint null, add column "schedule_from" varchar(13) null, add column "schedule_done" date null, add constraint "report_view_schedule_check" check (("schedule_frequency" = 'OFF' and "schedule_day" is null and "schedule_hour" is null) or ("schedule_frequency" = 'WEEKLY' and "schedule_day" between 1 and 7 and "schedule_hour" between 0 and 23) or ("schedule_frequency" = 'MONTHLY' and "schedule_day" between 1 and 31 and "schedule_hour" between 0 and 23));`,
    );
    this.addSql(
      `create index "report_view_scheduled_index" on "report_view" ("school_id") where "schedule_frequency" <> 'OFF' and "deleted_at" is null;`,
    );
    this.addSql(
      `create table "report_view_delivery" ("id" bigserial primary key, "school_id" int not null, "view_id" int not null, "occurs_on" date not null, "person_id" int not null, "message_id" int null, "created_at" timestamptz not null default now(), constraint "report_view_delivery_once_unique" unique ("view_id", "occurs_on", "person_id"));`,
    );
    this.addSql(
      `create index "report_view_delivery_school_id_index" on "report_view_delivery" ("school_id");`,
    );
    for (const [column, table] of [
      ['school_id', 'school'],
      ['view_id', 'report_view'],
      ['person_id', 'person'],
    ]) {
      this.addSql(
        `alter table "report_view_delivery" add constraint "report_view_delivery_${column}_foreign" foreign key ("${column}") references "${table}" ("id") on update cascade on delete cascade;`,
      );
    }
    this.addSql(
      `alter table "report_view_delivery" add constraint "report_view_delivery_message_id_foreign" foreign key ("message_id") references "message" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "report_view_delivery" cascade;`);
    this.addSql(
      `alter table "report_view" drop constraint if exists "report_view_schedule_check", drop column "schedule_frequency", drop column "schedule_day", drop column "schedule_hour", drop column "schedule_from", drop column "schedule_done";`,
    );
  }
}
