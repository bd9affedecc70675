import { Migration } from '@mikro-orm/migrations';

/**
 * Files of a remote lesson's material (issue 15, decision 0057): the attachments of messaging's
 * store (decision 0041) linked to the lesson whose material they belong to, in their order.
 * Who may read one is the remote lesson's rule (`ATTACHMENT_LINKS.remote_material`).
 */
export class Migration20261207140000_remote_attachments extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "remote_material_attachment" ("attachment_id" int primary key, "lesson_id" int not null, "position" smallint not null);`,
    );
    this.addSql(
      `create index "remote_material_attachment_lesson_id_index" on "remote_material_attachment" ("lesson_id");`,
    );
    for (const [column, target] of [
      ['attachment_id', 'attachment'],
      ['lesson_id', 'lesson'],
    ]) {
      this.addSql(
        `alter table "remote_material_attachment" add constraint "remote_material_attachment_${column}_foreign" foreign key ("${column}") references "${target}" ("id") on update cascade on delete cascade;`,
      );
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "remote_material_attachment" cascade;`);
  }
}
