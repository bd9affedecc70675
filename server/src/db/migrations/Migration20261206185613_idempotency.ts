import { Migration } from '@mikro-orm/migrations';

/**
 * Idempotency keys for the journal's batch writes (issue 19, decision 30): a retried batch with
 * the same key is answered from here instead of being written twice. The primary key is the
 * unique (account, key) a concurrent retry waits on; `created_at` is indexed for the clean-up.
 */
export class Migration20261206185613_idempotency extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "idempotent_request" ("account_id" int not null, "key" varchar(100) not null, "school_id" int not null, "operation" varchar(40) not null, "request_hash" varchar(64) not null, "response" jsonb null, "created_at" timestamptz not null default now(), constraint "idempotent_request_pkey" primary key ("account_id", "key"));`,
    );
    this.addSql(
      `create index "idempotent_request_created_at_index" on "idempotent_request" ("created_at");`,
    );

    this.addSql(
      `alter table "idempotent_request" add constraint "idempotent_request_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "idempotent_request" cascade;`);
  }
}
