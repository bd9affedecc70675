import { Migration } from '@mikro-orm/migrations';

export class Migration20261128150039_people_access extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "personal_data_access" ("id" bigserial primary key, "school_id" int not null, "reader_id" int not null, "subject_id" int not null, "fields" text[] not null, "at" timestamptz not null default now());`,
    );
    this.addSql(
      `create index "personal_data_access_subject_id_at_index" on "personal_data_access" ("subject_id", "at");`,
    );
    this.addSql(
      `create index "personal_data_access_school_id_at_index" on "personal_data_access" ("school_id", "at");`,
    );

    this.addSql(
      `create table "consent" ("id" serial primary key, "school_id" int not null, "subject_id" int not null, "given_by_id" int null, "document" varchar(200) not null, "given_on" date not null, "recorded_by_id" int null, "recorded_at" timestamptz not null, "revoked_on" date null, "revoked_at" timestamptz null, "revoked_by_id" int null);`,
    );
    this.addSql(`create index "consent_subject_id_index" on "consent" ("subject_id");`);

    this.addSql(
      `create table "access_code" ("id" serial primary key, "school_id" int not null, "account_id" int not null, "person_id" int not null, "code_hash" varchar(64) not null, "issued_by_id" int null, "issued_at" timestamptz not null, "expires_at" timestamptz not null, "activated_at" timestamptz null, "revoked_at" timestamptz null, "revoked_reason" varchar(20) null);`,
    );
    this.addSql(`create index "access_code_account_id_index" on "access_code" ("account_id");`);
    this.addSql(`create index "access_code_person_id_index" on "access_code" ("person_id");`);
    this.addSql(
      `alter table "access_code" add constraint "access_code_code_hash_unique" unique ("code_hash");`,
    );
    this.addSql(
      `create index "access_code_school_id_issued_at_index" on "access_code" ("school_id", "issued_at");`,
    );

    this.addSql(
      `alter table "consent" add constraint "consent_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "consent" add constraint "consent_subject_id_foreign" foreign key ("subject_id") references "person" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "consent" add constraint "consent_given_by_id_foreign" foreign key ("given_by_id") references "person" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "consent" add constraint "consent_recorded_by_id_foreign" foreign key ("recorded_by_id") references "person" ("id") on update cascade on delete set null;`,
    );
    this.addSql(
      `alter table "consent" add constraint "consent_revoked_by_id_foreign" foreign key ("revoked_by_id") references "person" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "access_code" add constraint "access_code_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "access_code" add constraint "access_code_account_id_foreign" foreign key ("account_id") references "user_account" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "access_code" add constraint "access_code_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "access_code" add constraint "access_code_issued_by_id_foreign" foreign key ("issued_by_id") references "person" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "person" add column "document" varchar(200) null, add column "record_confirmed_at" timestamptz null, add column "record_confirmed_by" int null;`,
    );

    this.addSql(`alter table "enrollment" add column "leave_reason" varchar(20) null;`);

    this.addSql(
      `alter table "user_account" alter column "password_hash" type varchar(200) using ("password_hash"::varchar(200));`,
    );
    this.addSql(`alter table "user_account" alter column "password_hash" drop not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "personal_data_access" cascade;`);

    this.addSql(`drop table if exists "consent" cascade;`);

    this.addSql(`drop table if exists "access_code" cascade;`);

    this.addSql(`alter table "enrollment" drop column "leave_reason";`);

    this.addSql(
      `alter table "person" drop column "document", drop column "record_confirmed_at", drop column "record_confirmed_by";`,
    );

    this.addSql(
      `alter table "user_account" alter column "password_hash" type varchar(200) using ("password_hash"::varchar(200));`,
    );
    this.addSql(`alter table "user_account" alter column "password_hash" set not null;`);
  }
}
