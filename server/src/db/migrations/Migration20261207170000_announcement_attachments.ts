import { Migration } from '@mikro-orm/migrations';

/**
 * Files of an announcement (issue 21): attachments of messaging's store (decision 41) linked to
 * the announcement, in their order. Who may read one is the announcement's rule: its author and
 * its recipients (`ATTACHMENT_LINKS.announcement`).
 */
export class Migration20261207170000_announcement_attachments extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "announcement_attachment" ("attachment_id" int primary key, "announcement_id" int not null, "position" smallint not null);`,
    );
    this.addSql(
      `create index "announcement_attachment_announcement_id_index" on "announcement_attachment" ("announcement_id");`,
    );
    for (const [column, target] of [
      ['attachment_id', 'attachment'],
      ['announcement_id', 'announcement'],
    ]) {
      this.addSql(
        `alter table "announcement_attachment" add constraint "announcement_attachment_${column}_foreign" foreign key ("${column}") references "${target}" ("id") on update cascade on delete cascade;`,
      );
    }
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "announcement_attachment" cascade;`);
  }
}
