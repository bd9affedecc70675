import { Entity, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * Each read of another person's personal data by a member of staff (152-FZ): who, whose, which
 * fields, when. Written after the answer is built, one row per person read; the DIRECTOR reviews it.
 */
@Entity({ tableName: 'personal_data_access' })
@Index({ properties: ['schoolId', 'at'] })
@Index({ properties: ['subjectId', 'at'] })
export class PersonalDataAccess {
  [OptionalProps]?: 'at';

  @PrimaryKey({ type: 'bigint' })
  id!: string;

  @Property()
  schoolId!: number;

  @Property()
  readerId!: number;

  @Property()
  subjectId!: number;

  @Property({ type: 'text[]' })
  fields!: string[];

  @Property({ type: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();
}
