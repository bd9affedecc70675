import { Migration } from '@mikro-orm/migrations';

/**
 * Deleting a course no longer takes its lessons and period marks with it: the database refuses
 * while any remain (issue 19). The service deletes a course's empty lessons itself and refuses a
 * course with journal entries; this is the guard behind it, for any other path (a cascade from a
 * subgroup, a hand-written statement). NO ACTION rather than RESTRICT: it is checked at the end
 * of the statement, so deleting a whole school, which removes lessons and courses in one
 * cascade, still works.
 */
export class Migration20261129100000_course_journal_kept extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "lesson" drop constraint "lesson_course_id_foreign";`);
    this.addSql(
      `alter table "lesson" add constraint "lesson_course_id_foreign" foreign key ("course_id") references "course" ("id") on update cascade;`,
    );
    this.addSql(`alter table "period_mark" drop constraint "period_mark_course_id_foreign";`);
    this.addSql(
      `alter table "period_mark" add constraint "period_mark_course_id_foreign" foreign key ("course_id") references "course" ("id") on update cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "lesson" drop constraint "lesson_course_id_foreign";`);
    this.addSql(
      `alter table "lesson" add constraint "lesson_course_id_foreign" foreign key ("course_id") references "course" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(`alter table "period_mark" drop constraint "period_mark_course_id_foreign";`);
    this.addSql(
      `alter table "period_mark" add constraint "period_mark_course_id_foreign" foreign key ("course_id") references "course" ("id") on update cascade on delete cascade;`,
    );
  }
}
