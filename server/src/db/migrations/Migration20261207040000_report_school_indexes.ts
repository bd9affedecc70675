import { Migration } from '@mikro-orm/migrations';

/**
 * Reports (issue 18) read one school's facts out of a database of many: each fact's rows by school
 * first (decision 39). Without these, a director's report in a database of 20 schools scanned
 * every school's marks and lessons (docs/PERFORMANCE.md, "Reports").
 */
export class Migration20261207040000_report_school_indexes extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index if not exists "mark_school_id_lesson_id_index" on "mark" ("school_id", "lesson_id") where "removed_at" is null;`,
    );
    this.addSql(
      `create index if not exists "lesson_school_id_date_index" on "lesson" ("school_id", "date");`,
    );
    this.addSql(
      `create index if not exists "period_mark_school_id_period_id_index" on "period_mark" ("school_id", "period_id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "mark_school_id_lesson_id_index";`);
    this.addSql(`drop index if exists "lesson_school_id_date_index";`);
    this.addSql(`drop index if exists "period_mark_school_id_period_id_index";`);
  }
}
