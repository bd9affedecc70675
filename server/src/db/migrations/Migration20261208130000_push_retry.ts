import { Migration } from '@mikro-orm/migrations';

/**
 * Retried pushes (issue 17, decision 66): a push the push service refused for now (429, 5xx, no
 * answer) goes back to unsent with the time of its next attempt and how many were made.
 */
export class Migration20261208130000_push_retry extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "push_delivery" add column "attempts" smallint not null default 0, add column "next_attempt_at" timestamptz null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `alter table "push_delivery" drop column "attempts", drop column "next_attempt_at";`,
    );
  }
}
