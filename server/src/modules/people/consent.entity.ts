import { Entity, ManyToOne, OptionalProps, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import { Person } from './person.entity.js';

/** A guardian's consent to the processing of a pupil's personal data (152-FZ), and its revocation. */
@Entity({ tableName: 'consent' })
@TenantFilter()
export class Consent {
  [OptionalProps]?: 'recordedAt' | 'revokedOn' | 'revokedAt' | 'revokedBy';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  /** Whose data the consent covers. */
  @ManyToOne(() => Person, { ref: true, deleteRule: 'cascade', index: true })
  subject!: Ref<Person>;

  /** Who gave it: a guardian, or the person themselves when of age. */
  @ManyToOne(() => Person, { ref: true, nullable: true, deleteRule: 'set null' })
  givenBy?: Ref<Person> | null;

  /** The paper it rests on, e.g. «Согласие № 12 от 01.09.2026». */
  @Property({ length: 200 })
  document!: string;

  @Property({ type: 'date' })
  givenOn!: string;

  @ManyToOne(() => Person, { ref: true, nullable: true, deleteRule: 'set null' })
  recordedBy?: Ref<Person> | null;

  @Property({ type: 'timestamptz' })
  recordedAt: Date = new Date();

  @Property({ type: 'date', nullable: true })
  revokedOn: string | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @ManyToOne(() => Person, { ref: true, nullable: true, deleteRule: 'set null' })
  revokedBy?: Ref<Person> | null;
}
