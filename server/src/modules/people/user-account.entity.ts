import {
  OptionalProps,
  Entity,
  ManyToOne,
  OneToOne,
  PrimaryKey,
  Property,
  type Ref,
} from '@mikro-orm/core';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import { Person } from './person.entity.js';

/** How a person signs in. Logins are unique across the deployment, stored in lower case. */
@Entity({ tableName: 'user_account' })
@TenantFilter()
export class UserAccount {
  [OptionalProps]?: 'active' | 'createdAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @OneToOne(() => Person, { ref: true, owner: true, unique: true, deleteRule: 'cascade' })
  person!: Ref<Person>;

  @Property({ length: 100, unique: true })
  login!: string;

  /** Null until the person activates their access code and chooses a password. */
  @Property({ length: 200, hidden: true, lazy: true, nullable: true })
  passwordHash?: string | null;

  @Property()
  active: boolean = true;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  passwordChangedAt?: Date | null;
}
