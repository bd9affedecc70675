import { Migration } from '@mikro-orm/migrations';

/**
 * The class teacher's duties (issue 14, part B): the weekly attendance reviews, one row
 * per class and reviewed week with who and when; and the school's rule for the year account
 * the weight of each duty (adding up to 100) and how many days after a week's Sunday a
 * review still counts as on time (decision 48).
 */
export class Migration20261207110000_duties extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "attendance_review" ("id" serial primary key, "school_id" int not null references "school" ("id") on delete cascade, "class_group_id" int not null references "class_group" ("id") on delete cascade, "week_start" date not null, "reviewed_by_id" int not null references "person" ("id") on delete cascade, "reviewed_at" timestamptz not null default now(), constraint "attendance_review_week_check" check (extract(isodow from week_start) = 1), constraint "attendance_review_class_week_unique" unique ("class_group_id", "week_start"));`,
    );
    this.addSql(
      `create index "attendance_review_school_id_index" on "attendance_review" ("school_id");`,
    );
    this.addSql(
      `create table "duty_setting" ("school_id" int primary key references "school" ("id") on delete cascade, "review_days" smallint not null default 1, "weight_reviews" smallint not null default 25, "weight_reports" smallint not null default 25, "weight_records" smallint not null default 20, "weight_remarks" smallint not null default 10, "weight_health" smallint not null default 20, "updated_by_id" int null references "person" ("id") on delete set null, "updated_at" timestamptz not null default now(), constraint "duty_setting_weights_check" check (weight_reviews + weight_reports + weight_records + weight_remarks + weight_health = 100 and least(weight_reviews, weight_reports, weight_records, weight_remarks, weight_health) >= 0), constraint "duty_setting_days_check" check (review_days between 0 and 14));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "duty_setting" cascade;`);
    this.addSql(`drop table if exists "attendance_review" cascade;`);
  }
}
