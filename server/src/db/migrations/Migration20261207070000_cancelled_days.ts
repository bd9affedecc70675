import { Migration } from '@mikro-orm/migrations';

/**
 * Cancelled-class days (issue 15, R-2.5, R-4.3.1, R-4.4.1): the school's frost thresholds by
 * grade band (no rows means the common set, DOMAIN-DATA §8), the declared days with the classes
 * they cancel, and each remote lesson's material, self-study tasks and the families' checks.
 */
export class Migration20261207070000_cancelled_days extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "cancellation_rule" ("id" serial primary key, "school_id" int not null, "grade_from" smallint not null, "grade_to" smallint not null, "calm_celsius" real not null, "windy_celsius" real null, "wind_ms" real null, constraint cancellation_rule_grades_check check (grade_from between 1 and 11 and grade_to between grade_from and 11));`,
    );
    this.addSql(
      `create index "cancellation_rule_school_id_index" on "cancellation_rule" ("school_id");`,
    );
    this.addSql(
      `create table "cancelled_day" ("id" serial primary key, "school_id" int not null, "date" date not null, "class_ids" int[] not null, "reason" varchar(20) not null, "temperature" real null, "wind_ms" real null, "note" text null, "declared_by_id" int not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "version" int not null default 1);`,
    );
    this.addSql(
      `alter table "cancelled_day" add constraint "cancelled_day_school_id_date_unique" unique ("school_id", "date");`,
    );
    this.addSql(
      `create table "remote_material" ("id" serial primary key, "school_id" int not null, "lesson_id" int not null, "body" text not null default '', "links" text[] not null default '{}', "author_id" int not null, "updated_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "remote_material" add constraint "remote_material_lesson_id_unique" unique ("lesson_id");`,
    );
    this.addSql(
      `create table "remote_task" ("id" serial primary key, "school_id" int not null, "lesson_id" int not null, "text" text not null, "due_on" date not null, "author_id" int not null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "remote_task_lesson_id_index" on "remote_task" ("lesson_id");`);
    this.addSql(
      `create table "remote_task_check" ("id" serial primary key, "school_id" int not null, "task_id" int not null, "pupil_id" int not null, "checked_by_id" int not null, "checked_at" timestamptz not null default now());`,
    );
    this.addSql(
      `alter table "remote_task_check" add constraint "remote_task_check_task_id_pupil_id_unique" unique ("task_id", "pupil_id");`,
    );
    const fk = (table: string, column: string, target: string, rule = 'cascade') =>
      this.addSql(
        `alter table "${table}" add constraint "${table}_${column}_foreign" foreign key ("${column}") references "${target}" ("id") on update cascade on delete ${rule};`,
      );
    for (const t of [
      'cancellation_rule',
      'cancelled_day',
      'remote_material',
      'remote_task',
      'remote_task_check',
    ]) {
      fk(t, 'school_id', 'school');
    }
    fk('cancelled_day', 'declared_by_id', 'person');
    fk('remote_material', 'lesson_id', 'lesson');
    fk('remote_material', 'author_id', 'person');
    fk('remote_task', 'lesson_id', 'lesson');
    fk('remote_task', 'author_id', 'person');
    fk('remote_task_check', 'task_id', 'remote_task');
    fk('remote_task_check', 'pupil_id', 'person');
    fk('remote_task_check', 'checked_by_id', 'person');
  }

  override async down(): Promise<void> {
    for (const t of [
      'remote_task_check',
      'remote_task',
      'remote_material',
      'cancelled_day',
      'cancellation_rule',
    ]) {
      this.addSql(`drop table if exists "${t}" cascade;`);
    }
  }
}
