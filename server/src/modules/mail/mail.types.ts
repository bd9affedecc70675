import { Field, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Lang } from '../../graphql/enums.js';

/** How often a person wants the digest of what happened (marks, absences, announcements, messages). */
export enum MailDigest {
  OFF = 'OFF',
  DAILY = 'DAILY',
  WEEKLY = 'WEEKLY',
}

registerEnumType(MailDigest, {
  name: 'MailDigest',
  description: 'No digest, one each evening, or one on Friday evening (the school’s time)',
});

@ObjectType({ description: 'What the viewer receives by e-mail, and where' })
export class MailSettings {
  @Field(() => String, { nullable: true, description: 'The viewer’s own address' })
  email!: string | null;
  @Field(() => MailDigest) digest!: MailDigest;
  @Field({ description: 'The class teacher’s weekly report (R-4.2.4) by e-mail too' })
  weeklyReport!: boolean;
  @Field({ description: 'Whether the viewer has children, whose weekly reports may be mailed' })
  canReceiveReports!: boolean;
  @Field({ description: 'False when this server sends no e-mail (no SMTP configured)' })
  enabled!: boolean;
  @Field(() => Lang, {
    description: 'The language of the viewer’s mails: the one chosen, else the school’s (Russian)',
  })
  lang!: Lang;
}

@InputType()
export class MailSettingsInput {
  @Field(() => String, { nullable: true, description: 'Empty or null: no address' })
  email?: string | null;
  @Field(() => MailDigest) digest!: MailDigest;
  @Field() weeklyReport!: boolean;
  @Field(() => Lang, {
    nullable: true,
    description:
      'The language of the mails (the app sends its interface’s); null keeps the chosen one',
  })
  lang?: Lang | null;
}
