import { Migration } from '@mikro-orm/migrations';

/**
 * The language of a person's mails (issue 17, decision 67): the interface's language when they
 * saved their mail settings; null until then, and the school's (Russian) is used.
 */
export class Migration20261208131000_mail_lang extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `alter table "mail_setting" add column "lang" varchar(2) null, add constraint "mail_setting_lang_check" check ("lang" in ('ru', 'en'));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "mail_setting" drop column "lang";`);
  }
}
