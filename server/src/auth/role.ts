import { registerEnumType } from 'type-graphql';

/**
 * What a person is to the school. The policy maps roles to permissions, so the enum lives beside
 * it; `RoleGrant` (modules/people) stores which person holds which role.
 */
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
