import { Migration } from '@mikro-orm/migrations';

/**
 * Reports (issue 18): the attendance entries of one school, read by the report's absences
 * (`report.model.ts`, decision 0058) without a scan of every school's entries.
 */
export class Migration20261207150000_report_attendance_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index if not exists "attendance_school_id_lesson_id_index" on "attendance" ("school_id", "lesson_id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "attendance_school_id_lesson_id_index";`);
  }
}
