import { Migration } from '@mikro-orm/migrations';

/**
 * A family's work attached to a task marked done (issue 15, decision 0062): the attachments of
 * messaging's store (decision 0041) linked to the pupil's tick, in their order. Unticking deletes
 * the tick and, in the same transaction, its files. Who may read one is
 * `ATTACHMENT_LINKS.remote_work`: the pupil, the pupil's parents, the lesson's teachers and the
 * administration.
 */
export class Migration20261208110000_remote_work_files extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "remote_work_attachment" ("attachment_id" int primary key, "check_id" int not null, "position" smallint not null);`,
    );
    this.addSql(
      `create index "remote_work_attachment_check_id_index" on "remote_work_attachment" ("check_id");`,
    );
    for (const [column, target] of [
      ['attachment_id', 'attachment'],
      ['check_id', 'remote_task_check'],
    ]) {
      this.addSql(
        `alter table "remote_work_attachment" add constraint "remote_work_attachment_${column}_foreign" foreign key ("${column}") references "${target}" ("id") on update cascade on delete cascade;`,
      );
    }
    // The owed list reads a pupil's ticks; the class table reads them by task.
    this.addSql(
      `create index "remote_task_check_pupil_id_index" on "remote_task_check" ("pupil_id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "remote_task_check_pupil_id_index";`);
    this.addSql(`drop table if exists "remote_work_attachment" cascade;`);
  }
}
