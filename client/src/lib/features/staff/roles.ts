import type { Role } from '$lib/graphql/generated/graphql';

/** Roles a staff member can hold (pupils and parents are registered elsewhere). */
export const STAFF_ROLES: readonly Role[] = ['SYSADMIN', 'DIRECTOR', 'DEPUTY', 'TEACHER'];
