import {
  Entity,
  Index,
  ManyToOne,
  OptionalProps,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import { Person } from '../people/person.entity.js';
import { UserAccount } from '../people/user-account.entity.js';

/**
 * A one-time activation code handed to a person against a signature. Only the code's
 * hash is stored; the rows are the register of who issued which code to whom and what became of it.
 */
@Entity({ tableName: 'access_code' })
@TenantFilter()
@Index({ properties: ['school', 'issuedAt'] })
export class AccessCode {
  [OptionalProps]?: 'issuedAt' | 'activatedAt' | 'revokedAt' | 'revokedReason';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne(() => UserAccount, { ref: true, deleteRule: 'cascade', index: true })
  account!: Ref<UserAccount>;

  @ManyToOne(() => Person, { ref: true, deleteRule: 'cascade', index: true })
  person!: Ref<Person>;

  /** SHA-256 of the normalised code: the code has 80 random bits, so a fast hash is enough. */
  @Property({ length: 64, unique: true })
  codeHash!: string;

  @ManyToOne(() => Person, { ref: true, nullable: true, deleteRule: 'set null' })
  issuedBy?: Ref<Person> | null;

  @Property({ type: 'timestamptz' })
  issuedAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  expiresAt!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  activatedAt: Date | null = null;

  @Property({ type: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  /** REISSUED (a newer code replaced it) or REVOKED (withdrawn by hand). */
  @Property({ length: 20, nullable: true })
  revokedReason: string | null = null;
}
