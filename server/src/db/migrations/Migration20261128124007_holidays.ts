import { Migration } from '@mikro-orm/migrations';

export class Migration20261128124007_holidays extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "holiday" ("id" serial primary key, "school_id" int not null, "academic_year_id" int not null, "name" varchar(100) not null, "starts_on" date not null, "ends_on" date not null, "grades" smallint[] null, constraint holiday_dates_check check (starts_on <= ends_on));`,
    );
    this.addSql(`create index "holiday_academic_year_id_index" on "holiday" ("academic_year_id");`);

    this.addSql(
      `alter table "holiday" add constraint "holiday_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "holiday" add constraint "holiday_academic_year_id_foreign" foreign key ("academic_year_id") references "academic_year" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "holiday" cascade;`);
  }
}
