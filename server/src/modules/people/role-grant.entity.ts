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
import { registerEnumType } from 'type-graphql';
import { TenantFilter } from '../../db/tenant.js';
import { School } from '../school/school.entity.js';
import { Person } from './person.entity.js';

export enum Role {
  SYSADMIN = 'SYSADMIN',
  DIRECTOR = 'DIRECTOR',
  DEPUTY = 'DEPUTY',
  TEACHER = 'TEACHER',
  STUDENT = 'STUDENT',
  PARENT = 'PARENT',
}
registerEnumType(Role, { name: 'Role' });

export const STAFF_ROLES: readonly Role[] = [
  Role.SYSADMIN,
  Role.DIRECTOR,
  Role.DEPUTY,
  Role.TEACHER,
];

/** Whether any of these roles makes the person a member of staff. */
export const hasStaffRole = (roles: readonly Role[]) => roles.some((r) => STAFF_ROLES.includes(r));

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
