import { Migration } from '@mikro-orm/migrations';

/**
 * Saved report views (issue 18): a spec (JSONB, checked by the report compiler when run), its
 * owner, a chart type, an audience (roles and named staff), a pin to the home page, the view it
 * was copied from; versioned, tombstoned. "Shared with me" reads the audience arrays by GIN.
 */
export class Migration20261207030000_report_views extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "report_chart_type" as enum ('TABLE', 'BAR', 'LINE', 'PIE');`);
    this.addSql(
      `create table "report_view" ("id" serial primary key, "school_id" int not null, "owner_id" int not null, "name" varchar(120) not null, "description" varchar(1000) not null default '', "spec" jsonb not null, "chart_type" "report_chart_type" not null default 'TABLE', "audience_roles" text[] not null default '{}', "audience_person_ids" int[] not null default '{}', "pinned" boolean not null default false, "copied_from_id" int null, "version" int not null default 1, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null);`,
    );
    this.addSql(
      `create index "report_view_owner_id_deleted_at_index" on "report_view" ("owner_id", "deleted_at");`,
    );
    this.addSql(
      `create index "report_view_school_audience_index" on "report_view" using gin ("audience_person_ids") where "deleted_at" is null;`,
    );
    this.addSql(
      `alter table "report_view" add constraint "report_view_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "report_view" add constraint "report_view_owner_id_foreign" foreign key ("owner_id") references "person" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "report_view" add constraint "report_view_copied_from_id_foreign" foreign key ("copied_from_id") references "report_view" ("id") on update cascade on delete set null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "report_view" cascade;`);
    this.addSql(`drop type if exists "report_chart_type";`);
  }
}
