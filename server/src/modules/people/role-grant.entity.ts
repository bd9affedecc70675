import {
  OptionalProps,
  Entity,
  Enum,
  ManyToOne,
  PrimaryKey,
  Property,
  Unique,
  type Ref,
} from '@mikro-orm/core';
import { Role } from '../../auth/role.js';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import { Person } from './person.entity.js';

@Entity({ tableName: 'role_grant' })
@TenantFilter()
@Unique({ properties: ['person', 'role'] })
export class RoleGrant {
  [OptionalProps]?: 'grantedAt';

  @PrimaryKey()
  id!: number;

  @ManyToOne(() => School, { ref: true, deleteRule: 'cascade' })
  school!: Ref<School>;

  @ManyToOne(() => Person, { ref: true, deleteRule: 'cascade' })
  person!: Ref<Person>;

  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role!: Role;

  @Property({ type: 'timestamptz' })
  grantedAt: Date = new Date();
}
