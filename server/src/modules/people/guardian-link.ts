import type { EntityManager } from '@mikro-orm/postgresql';
import { Person } from './person.entity.js';
import { RoleGrant } from './role-grant.entity.js';
import { Guardianship } from './guardianship.entity.js';
import { Role } from '../../auth/role.js';
import type { Viewer } from '../../auth/viewer.js';
import { audit } from '../audit/audit.js';
import { badInput, conflict } from '../../errors.js';
import type { checkPersonInput } from './person-fields.js';

const MAX_GUARDIANS = 4;

type PersonFields = ReturnType<typeof checkPersonInput>;

/** Creates (or finds by name and phone) a parent and links them to a pupil, in the caller's transaction. */
export async function addGuardianTo(
  em: EntityManager,
  viewer: Viewer,
  pupilId: number,
  kind: Guardianship['kind'],
  fields: PersonFields,
): Promise<{ id: number; linkedExisting: boolean }> {
  const known = await knownParent(em, viewer, fields);
  const count = await em.count(Guardianship, { pupil: pupilId });
  if (known !== undefined) {
    if (await em.findOne(Guardianship, { pupil: pupilId, guardian: known })) {
      throw conflict('lastName', 'ALREADY_LINKED', 'This parent is already linked to the pupil');
    }
    refuseFifthGuardian(count);
    em.create(Guardianship, { school: viewer.schoolId, guardian: known, pupil: pupilId, kind });
    await em.flush();
    return { id: known, linkedExisting: true };
  }
  refuseFifthGuardian(count);
  const id = await createParent(em, viewer, pupilId, kind, fields);
  return { id, linkedExisting: false };
}

/** A parent of the school with the same full name and phone (no phone, no match). */
async function knownParent(
  em: EntityManager,
  viewer: Viewer,
  fields: PersonFields,
): Promise<number | undefined> {
  if (!fields.phone) return undefined;
  const rows = await em.execute<{ id: number }[]>(
    `select p.id from person p join role_grant g on g.person_id = p.id and g.role = 'PARENT'
          where p.school_id = ? and lower(p.last_name) = lower(?) and lower(p.first_name) = lower(?)
            and coalesce(lower(p.middle_name), '') = lower(?) and p.phone = ?
          order by p.id limit 1`,
    [viewer.schoolId, fields.lastName, fields.firstName, fields.middleName ?? '', fields.phone],
  );
  return rows[0]?.id;
}

function refuseFifthGuardian(count: number): void {
  if (count >= MAX_GUARDIANS) throw badInput('kind', 'TOO_MANY', 'A pupil has at most 4 guardians');
}

/** A new person with the PARENT role, linked to the pupil, their record confirmed by the viewer. */
async function createParent(
  em: EntityManager,
  viewer: Viewer,
  pupilId: number,
  kind: Guardianship['kind'],
  fields: PersonFields,
): Promise<number> {
  const guardian = em.create(Person, {
    school: viewer.schoolId,
    ...fields,
    recordConfirmedAt: new Date(),
    recordConfirmedBy: viewer.personId,
  });
  em.create(RoleGrant, { school: viewer.schoolId, person: guardian, role: Role.PARENT });
  em.create(Guardianship, { school: viewer.schoolId, guardian, pupil: pupilId, kind });
  await em.flush();
  audit(em, viewer, 'person', guardian.id, 'create', { pupilId, kind }, null);
  return guardian.id;
}
