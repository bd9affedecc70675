import { Migration } from '@mikro-orm/migrations';

/**
 * The notification list reads a school's events over a month (NOTIFICATION_RETENTION_HOURS,
 * decision 43): found by school, not by scanning every school's outbox.
 */
export class Migration20261207180000_event_school_index extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index "domain_event_school_id_id_index" on "domain_event" ("school_id", "id");`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "domain_event_school_id_id_index";`);
  }
}
