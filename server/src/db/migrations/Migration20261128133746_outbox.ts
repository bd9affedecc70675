import { Migration } from '@mikro-orm/migrations';

export class Migration20261128133746_outbox extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "domain_event_horizon" ("id" int not null default 1, "pruned_through" bigint not null default '0', constraint "domain_event_horizon_pkey" primary key ("id"));`,
    );

    this.addSql(
      `create table "domain_event" ("id" bigserial primary key, "school_id" int not null, "type" varchar(40) not null, "pupil_ids" int[] null, "course_id" int null, "class_group_id" int null, "payload" jsonb not null, "xact_id" xid8 not null default pg_current_xact_id(), "created_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "domain_event_created_at_index" on "domain_event" ("created_at");`);

    this.addSql(
      `alter table "domain_event" add constraint "domain_event_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "domain_event_horizon" cascade;`);

    this.addSql(`drop table if exists "domain_event" cascade;`);
  }
}
