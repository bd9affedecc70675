import type { Role } from '$lib/graphql/generated/graphql';
import { byText } from '$lib/format';

/** The teachers among the staff, by name: whom a class or a course can be given to. */
export function teachersOf<P extends { fullName: string; roles: readonly Role[] }>(
  staff: readonly P[] | undefined,
): P[] {
  return (staff ?? [])
    .filter((person) => person.roles.includes('TEACHER'))
    .sort((a, b) => byText(a.fullName, b.fullName));
}
