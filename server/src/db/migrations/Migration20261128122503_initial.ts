import { Migration } from '@mikro-orm/migrations';

export class Migration20261128122503_initial extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create type "sex" as enum ('M', 'F');`);
    this.addSql(
      `create type "role" as enum ('SYSADMIN', 'DIRECTOR', 'DEPUTY', 'TEACHER', 'STUDENT', 'PARENT');`,
    );
    this.addSql(`create type "period_kind" as enum ('QUARTER', 'TRIMESTER', 'HALF_YEAR');`);
    this.addSql(
      `create table "school" ("id" serial primary key, "name" varchar(200) not null, "short_name" varchar(100) null, "address" varchar(300) null, "time_zone" varchar(64) not null default 'Europe/Moscow', "scale_min" smallint not null default 1, "scale_max" smallint not null default 5, "thresholds" jsonb not null, "created_at" timestamptz not null);`,
    );

    this.addSql(
      `create table "person" ("id" serial primary key, "school_id" int not null, "last_name" varchar(100) not null, "first_name" varchar(100) not null, "middle_name" varchar(100) null, "sex" "sex" null, "birth_date" date null, "phone" varchar(50) null, "email" varchar(200) null, "address" varchar(300) null, "created_at" timestamptz not null);`,
    );

    this.addSql(
      `create table "role_grant" ("id" serial primary key, "school_id" int not null, "person_id" int not null, "role" "role" not null, "granted_at" timestamptz not null);`,
    );
    this.addSql(
      `alter table "role_grant" add constraint "role_grant_person_id_role_unique" unique ("person_id", "role");`,
    );

    this.addSql(
      `create table "guardianship" ("id" serial primary key, "school_id" int not null, "guardian_id" int not null, "pupil_id" int not null, "kind" varchar(20) not null default 'guardian');`,
    );
    this.addSql(
      `alter table "guardianship" add constraint "guardianship_guardian_id_pupil_id_unique" unique ("guardian_id", "pupil_id");`,
    );

    this.addSql(
      `create table "academic_year" ("id" serial primary key, "school_id" int not null, "name" varchar(50) not null, "starts_on" date not null, "ends_on" date not null);`,
    );
    this.addSql(
      `alter table "academic_year" add constraint "academic_year_school_id_name_unique" unique ("school_id", "name");`,
    );

    this.addSql(
      `create table "class_group" ("id" serial primary key, "school_id" int not null, "academic_year_id" int not null, "grade" smallint not null, "letter" varchar(5) not null default '', "class_teacher_id" int null);`,
    );
    this.addSql(
      `alter table "class_group" add constraint "class_group_class_teacher_unique" unique ("academic_year_id", "class_teacher_id");`,
    );
    this.addSql(
      `alter table "class_group" add constraint "class_group_academic_year_id_grade_letter_unique" unique ("academic_year_id", "grade", "letter");`,
    );

    this.addSql(
      `create table "enrollment" ("id" serial primary key, "school_id" int not null, "pupil_id" int not null, "class_group_id" int not null, "starts_on" date not null, "ends_on" date null);`,
    );
    this.addSql(`create index "enrollment_pupil_id_index" on "enrollment" ("pupil_id");`);
    this.addSql(
      `create index "enrollment_class_group_id_starts_on_index" on "enrollment" ("class_group_id", "starts_on");`,
    );

    this.addSql(
      `create table "study_period" ("id" serial primary key, "school_id" int not null, "academic_year_id" int not null, "name" varchar(50) not null, "kind" "period_kind" not null, "starts_on" date not null, "ends_on" date not null);`,
    );
    this.addSql(
      `alter table "study_period" add constraint "study_period_academic_year_id_name_unique" unique ("academic_year_id", "name");`,
    );

    this.addSql(
      `create table "subject" ("id" serial primary key, "school_id" int not null, "name" varchar(100) not null, "short_name" varchar(30) null);`,
    );
    this.addSql(
      `alter table "subject" add constraint "subject_school_id_name_unique" unique ("school_id", "name");`,
    );

    this.addSql(
      `create table "course" ("id" serial primary key, "school_id" int not null, "academic_year_id" int not null, "class_group_id" int not null, "subject_id" int not null, "teacher_id" int not null, "hours_per_week" real not null);`,
    );
    this.addSql(`create index "course_teacher_id_index" on "course" ("teacher_id");`);
    this.addSql(
      `alter table "course" add constraint "course_class_group_id_subject_id_unique" unique ("class_group_id", "subject_id");`,
    );

    this.addSql(
      `create table "user_account" ("id" serial primary key, "school_id" int not null, "person_id" int not null, "login" varchar(100) not null, "password_hash" varchar(200) not null, "active" boolean not null default true, "created_at" timestamptz not null, "password_changed_at" timestamptz null);`,
    );
    this.addSql(
      `alter table "user_account" add constraint "user_account_person_id_unique" unique ("person_id");`,
    );
    this.addSql(
      `alter table "user_account" add constraint "user_account_login_unique" unique ("login");`,
    );

    this.addSql(
      `create table "session" ("id" serial primary key, "school_id" int not null, "account_id" int not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, "user_agent" varchar(300) null);`,
    );
    this.addSql(`create index "session_account_id_index" on "session" ("account_id");`);
    this.addSql(
      `alter table "session" add constraint "session_token_hash_unique" unique ("token_hash");`,
    );

    this.addSql(
      `alter table "person" add constraint "person_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "role_grant" add constraint "role_grant_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "role_grant" add constraint "role_grant_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "guardianship" add constraint "guardianship_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "guardianship" add constraint "guardianship_guardian_id_foreign" foreign key ("guardian_id") references "person" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "guardianship" add constraint "guardianship_pupil_id_foreign" foreign key ("pupil_id") references "person" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "academic_year" add constraint "academic_year_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "class_group" add constraint "class_group_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "class_group" add constraint "class_group_academic_year_id_foreign" foreign key ("academic_year_id") references "academic_year" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "class_group" add constraint "class_group_class_teacher_id_foreign" foreign key ("class_teacher_id") references "person" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "enrollment" add constraint "enrollment_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "enrollment" add constraint "enrollment_pupil_id_foreign" foreign key ("pupil_id") references "person" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "enrollment" add constraint "enrollment_class_group_id_foreign" foreign key ("class_group_id") references "class_group" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "study_period" add constraint "study_period_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "study_period" add constraint "study_period_academic_year_id_foreign" foreign key ("academic_year_id") references "academic_year" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "subject" add constraint "subject_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "course" add constraint "course_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "course" add constraint "course_academic_year_id_foreign" foreign key ("academic_year_id") references "academic_year" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "course" add constraint "course_class_group_id_foreign" foreign key ("class_group_id") references "class_group" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "course" add constraint "course_subject_id_foreign" foreign key ("subject_id") references "subject" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "course" add constraint "course_teacher_id_foreign" foreign key ("teacher_id") references "person" ("id") on update cascade;`,
    );

    this.addSql(
      `alter table "user_account" add constraint "user_account_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "user_account" add constraint "user_account_person_id_foreign" foreign key ("person_id") references "person" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "session" add constraint "session_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "session" add constraint "session_account_id_foreign" foreign key ("account_id") references "user_account" ("id") on update cascade on delete cascade;`,
    );

    // Rules the database itself keeps, whatever the code does.
    this.addSql(
      `alter table "class_group" add constraint "class_group_grade_check" check ("grade" between 1 and 11);`,
    );
    this.addSql(
      `alter table "academic_year" add constraint "academic_year_dates_check" check ("starts_on" < "ends_on");`,
    );
    this.addSql(
      `alter table "study_period" add constraint "study_period_dates_check" check ("starts_on" <= "ends_on");`,
    );
    this.addSql(
      `alter table "enrollment" add constraint "enrollment_dates_check" check ("ends_on" is null or "starts_on" <= "ends_on");`,
    );
    this.addSql(
      `alter table "course" add constraint "course_hours_check" check ("hours_per_week" > 0 and "hours_per_week" <= 40);`,
    );
    this.addSql(`create index "guardianship_pupil_id_index" on "guardianship" ("pupil_id");`);
    // rate-limiter-flexible's table for sign-in failures (keys are hashes, never logins or addresses)
    this.addSql(
      `create table "login_rate_limit" ("key" varchar(255) primary key, "points" integer not null default 0, "expire" bigint);`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "login_rate_limit" cascade;`);
    this.addSql(`alter table "person" drop constraint "person_school_id_foreign";`);

    this.addSql(`alter table "role_grant" drop constraint "role_grant_school_id_foreign";`);

    this.addSql(`alter table "guardianship" drop constraint "guardianship_school_id_foreign";`);

    this.addSql(`alter table "academic_year" drop constraint "academic_year_school_id_foreign";`);

    this.addSql(`alter table "class_group" drop constraint "class_group_school_id_foreign";`);

    this.addSql(`alter table "enrollment" drop constraint "enrollment_school_id_foreign";`);

    this.addSql(`alter table "study_period" drop constraint "study_period_school_id_foreign";`);

    this.addSql(`alter table "subject" drop constraint "subject_school_id_foreign";`);

    this.addSql(`alter table "course" drop constraint "course_school_id_foreign";`);

    this.addSql(`alter table "user_account" drop constraint "user_account_school_id_foreign";`);

    this.addSql(`alter table "session" drop constraint "session_school_id_foreign";`);

    this.addSql(`alter table "role_grant" drop constraint "role_grant_person_id_foreign";`);

    this.addSql(`alter table "guardianship" drop constraint "guardianship_guardian_id_foreign";`);

    this.addSql(`alter table "guardianship" drop constraint "guardianship_pupil_id_foreign";`);

    this.addSql(
      `alter table "class_group" drop constraint "class_group_class_teacher_id_foreign";`,
    );

    this.addSql(`alter table "enrollment" drop constraint "enrollment_pupil_id_foreign";`);

    this.addSql(`alter table "course" drop constraint "course_teacher_id_foreign";`);

    this.addSql(`alter table "user_account" drop constraint "user_account_person_id_foreign";`);

    this.addSql(
      `alter table "class_group" drop constraint "class_group_academic_year_id_foreign";`,
    );

    this.addSql(
      `alter table "study_period" drop constraint "study_period_academic_year_id_foreign";`,
    );

    this.addSql(`alter table "course" drop constraint "course_academic_year_id_foreign";`);

    this.addSql(`alter table "enrollment" drop constraint "enrollment_class_group_id_foreign";`);

    this.addSql(`alter table "course" drop constraint "course_class_group_id_foreign";`);

    this.addSql(`alter table "course" drop constraint "course_subject_id_foreign";`);

    this.addSql(`alter table "session" drop constraint "session_account_id_foreign";`);

    this.addSql(`drop table if exists "school" cascade;`);

    this.addSql(`drop table if exists "person" cascade;`);

    this.addSql(`drop table if exists "role_grant" cascade;`);

    this.addSql(`drop table if exists "guardianship" cascade;`);

    this.addSql(`drop table if exists "academic_year" cascade;`);

    this.addSql(`drop table if exists "class_group" cascade;`);

    this.addSql(`drop table if exists "enrollment" cascade;`);

    this.addSql(`drop table if exists "study_period" cascade;`);

    this.addSql(`drop table if exists "subject" cascade;`);

    this.addSql(`drop table if exists "course" cascade;`);

    this.addSql(`drop table if exists "user_account" cascade;`);

    this.addSql(`drop table if exists "session" cascade;`);

    this.addSql(`drop type "sex";`);
    this.addSql(`drop type "role";`);
    this.addSql(`drop type "period_kind";`);
  }
}
