import { Migration } from '@mikro-orm/migrations';

export class Migration20261128180501_outbox_lock extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "domain_event" drop column "xact_id";`);
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "domain_event" add column "xact_id" xid8 not null default pg_current_xact_id();`,
    );
  }
}
