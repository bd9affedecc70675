import { Migration } from '@mikro-orm/migrations';

/**
 * E-mail (issue 17): each person's choice (a daily or weekly digest, the weekly report by mail),
 * one row per mail sent or claimed (unique per person, kind and period: at most once), and the
 * secret that signs unsubscribe links, kept with the data (decision 55).
 */
export class Migration20261207130000_mail extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "mail_setting" ("person_id" int primary key, "school_id" int not null, "digest" varchar(10) not null default 'OFF', "weekly_report" boolean not null default false, "report_since" timestamptz null, "updated_at" timestamptz not null default now(), constraint mail_setting_digest_check check ("digest" in ('OFF', 'DAILY', 'WEEKLY')));`,
    );
    this.addSql(`create index "mail_setting_school_id_index" on "mail_setting" ("school_id");`);
    this.addSql(
      `create table "mail_delivery" ("id" bigserial primary key, "school_id" int not null, "person_id" int not null, "kind" varchar(20) not null, "period_key" varchar(40) not null, "covers_from" timestamptz null, "covers_to" timestamptz null, "status" varchar(10) not null default 'PENDING', "attempts" smallint not null default 0, "created_at" timestamptz not null default now(), "sent_at" timestamptz null, constraint mail_delivery_status_check check ("status" in ('PENDING', 'SENT', 'EMPTY', 'FAILED')));`,
    );
    this.addSql(
      `alter table "mail_delivery" add constraint "mail_delivery_once_unique" unique ("person_id", "kind", "period_key");`,
    );
    this.addSql(
      `create index "mail_delivery_failed_index" on "mail_delivery" ("school_id") where "status" = 'FAILED';`,
    );
    for (const t of ['mail_setting', 'mail_delivery']) {
      this.addSql(
        `alter table "${t}" add constraint "${t}_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
      );
      this.addSql(
        `alter table "${t}" add constraint "${t}_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete cascade;`,
      );
    }
    // One secret for the deployment, 244 random bits from PostgreSQL's own strong source.
    this.addSql(
      `create table "mail_secret" ("id" smallint primary key default 1, "secret" bytea not null, constraint mail_secret_one check ("id" = 1));`,
    );
    this.addSql(
      `insert into "mail_secret" ("id", "secret") values (1, decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'));`,
    );
  }

  override async down(): Promise<void> {
    for (const t of ['mail_delivery', 'mail_setting', 'mail_secret']) {
      this.addSql(`drop table if exists "${t}" cascade;`);
    }
  }
}
