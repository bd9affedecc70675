import { Migration } from '@mikro-orm/migrations';

export class Migration20261128132712_subgroups extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "subgroup_split" ("id" serial primary key, "school_id" int not null, "class_group_id" int not null, "subject_id" int not null, "period_id" int not null);`,
    );
    this.addSql(
      `alter table "subgroup_split" add constraint "subgroup_split_class_group_id_subject_id_period_id_unique" unique ("class_group_id", "subject_id", "period_id");`,
    );

    this.addSql(
      `create table "subgroup" ("id" serial primary key, "school_id" int not null, "split_id" int not null, "name" varchar(50) not null);`,
    );
    this.addSql(
      `alter table "subgroup" add constraint "subgroup_split_id_name_unique" unique ("split_id", "name");`,
    );

    this.addSql(
      `create table "subgroup_member" ("id" serial primary key, "school_id" int not null, "subgroup_id" int not null, "pupil_id" int not null);`,
    );
    this.addSql(`create index "subgroup_member_pupil_id_index" on "subgroup_member" ("pupil_id");`);
    this.addSql(
      `alter table "subgroup_member" add constraint "subgroup_member_subgroup_id_pupil_id_unique" unique ("subgroup_id", "pupil_id");`,
    );

    this.addSql(
      `alter table "subgroup_split" add constraint "subgroup_split_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "subgroup_split" add constraint "subgroup_split_class_group_id_foreign" foreign key ("class_group_id") references "class_group" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "subgroup_split" add constraint "subgroup_split_subject_id_foreign" foreign key ("subject_id") references "subject" ("id") on update cascade;`,
    );
    this.addSql(
      `alter table "subgroup_split" add constraint "subgroup_split_period_id_foreign" foreign key ("period_id") references "study_period" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "subgroup" add constraint "subgroup_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "subgroup" add constraint "subgroup_split_id_foreign" foreign key ("split_id") references "subgroup_split" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "subgroup_member" add constraint "subgroup_member_school_id_foreign" foreign key ("school_id") references "school" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "subgroup_member" add constraint "subgroup_member_subgroup_id_foreign" foreign key ("subgroup_id") references "subgroup" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "subgroup_member" add constraint "subgroup_member_pupil_id_foreign" foreign key ("pupil_id") references "person" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(`alter table "course" drop constraint "course_class_group_id_subject_id_unique";`);

    this.addSql(`alter table "course" add column "subgroup_id" int null;`);
    this.addSql(
      `alter table "course" add constraint "course_subgroup_id_foreign" foreign key ("subgroup_id") references "subgroup" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `create unique index "course_class_subject_unique" on "course" ("class_group_id", "subject_id") where "subgroup_id" is null;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "subgroup" drop constraint "subgroup_split_id_foreign";`);

    this.addSql(
      `alter table "subgroup_member" drop constraint "subgroup_member_subgroup_id_foreign";`,
    );

    this.addSql(`alter table "course" drop constraint "course_subgroup_id_foreign";`);

    this.addSql(`drop table if exists "subgroup_split" cascade;`);

    this.addSql(`drop table if exists "subgroup" cascade;`);

    this.addSql(`drop table if exists "subgroup_member" cascade;`);

    this.addSql(`alter table "course" drop constraint "course_class_subject_unique";`);
    this.addSql(`alter table "course" drop column "subgroup_id";`);

    this.addSql(
      `alter table "course" add constraint "course_class_group_id_subject_id_unique" unique ("class_group_id", "subject_id");`,
    );
  }
}
