import type { EntityManager } from '@mikro-orm/postgresql';
import { RoleGrant } from './role-grant.entity.js';
import { Role } from '../../auth/role.js';
import { badInput } from '../../errors.js';
import { parseId } from '../../graphql/validate.js';

/** The id of a teacher of this school, or a BAD_USER_INPUT naming the field. */
export async function requireTeacher(
  em: EntityManager,
  schoolId: number,
  field: string,
  id: string,
): Promise<number> {
  const personId = parseId(field, id);
  const grant = await em.findOne(RoleGrant, {
    person: personId,
    role: Role.TEACHER,
    school: schoolId,
  });
  if (!grant) throw badInput(field, 'NOT_A_TEACHER', 'Choose a teacher of this school');
  return personId;
}
