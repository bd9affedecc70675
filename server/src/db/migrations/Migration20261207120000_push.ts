import { Migration } from '@mikro-orm/migrations';

/**
 * Web Push (issue 17, decision 54): the server's VAPID keys when the configuration gives none,
 * each person's subscribed devices, their choices (kinds, detail, quiet hours), one delivery row
 * per event and device (its unique key makes a push go out at most once), and how far the
 * outbox has been read for pushes.
 */
export class Migration20261207120000_push extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "push_vapid" ("id" smallint primary key default 1 check ("id" = 1), "public_key" text not null, "private_key" text not null, "created_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create table "push_device" ("id" serial primary key, "school_id" int not null references "school" ("id") on delete cascade, "person_id" int not null references "person" ("id") on delete cascade, "endpoint" text not null, "p256dh" text not null, "auth" text not null, "label" varchar(100) not null default '', "lang" varchar(2) not null default 'ru', "after_event_id" bigint not null default 0, "created_at" timestamptz not null default now(), constraint "push_device_endpoint_unique" unique ("endpoint"));`,
    );
    this.addSql(`create index "push_device_person_id_index" on "push_device" ("person_id");`);
    this.addSql(
      `create table "push_setting" ("person_id" int primary key references "person" ("id") on delete cascade, "school_id" int not null references "school" ("id") on delete cascade, "kinds" text[] not null, "detail" boolean not null default true, "quiet_from" time null, "quiet_to" time null, "updated_at" timestamptz not null default now());`,
    );
    this.addSql(
      `create table "push_delivery" ("id" bigserial primary key, "event_id" bigint not null, "device_id" int not null references "push_device" ("id") on delete cascade, "kind" varchar(20) not null, "title" text not null, "body" text not null, "url" text not null, "held" boolean not null default false, "created_at" timestamptz not null default now(), "sent_at" timestamptz null, constraint "push_delivery_event_device_unique" unique ("event_id", "device_id"));`,
    );
    this.addSql(
      `create index "push_delivery_unsent_index" on "push_delivery" ("device_id") where "sent_at" is null;`,
    );
    this.addSql(`create index "push_delivery_sent_at_index" on "push_delivery" ("sent_at");`);
    this.addSql(
      `create table "push_cursor" ("id" smallint primary key default 1 check ("id" = 1), "last_event_id" bigint not null);`,
    );
    this.addSql(
      `insert into "push_cursor" ("id", "last_event_id") select 1, coalesce(max("id"), 0) from "domain_event";`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(
      `drop table if exists "push_cursor", "push_delivery", "push_setting", "push_device", "push_vapid";`,
    );
  }
}
