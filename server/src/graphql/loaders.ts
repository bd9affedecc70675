import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Person } from '../modules/people/person.entity.js';
import { RoleGrant } from '../modules/people/role-grant.entity.js';
import { type Role } from '../auth/role.js';
import { UserAccount } from '../modules/people/user-account.entity.js';
import { School } from '../modules/school/school.entity.js';
import { Staff } from './types.js';
import type { Clock } from '../clock.js';
import { unauthenticated } from '../errors.js';
import type { Viewer } from '../auth/viewer.js';

/** Per-request batching: each loader answers a whole list of ids with one query. */
export interface Loaders {
  school(): Promise<School>;
  today(): Promise<string>;
  staff: DataLoader<number, Staff | null>;
  pupilCount: DataLoader<number, number>;
}

export function createLoaders(em: EntityManager, viewer: Viewer | null, clock: Clock): Loaders {
  let school: Promise<School> | undefined;
  const loaders: Loaders = {
    school(): Promise<School> {
      if (!viewer) throw unauthenticated();
      school ??= em.findOneOrFail(School, viewer.schoolId);
      return school;
    },
    async today(): Promise<string> {
      return clock.today((await loaders.school()).timeZone);
    },
    staff: new DataLoader<number, Staff | null>(async (ids) => {
      const [people, grants, accounts] = await Promise.all([
        em.find(Person, { id: { $in: [...ids] } }),
        em.find(RoleGrant, { person: { $in: [...ids] } }),
        em.find(UserAccount, { person: { $in: [...ids] } }),
      ]);
      const roles = new Map<number, Role[]>();
      for (const g of grants) roles.set(g.person.id, [...(roles.get(g.person.id) ?? []), g.role]);
      const logins = new Map(accounts.map((a) => [a.person.id, a.login]));
      const byId = new Map(people.map((p) => [p.id, p]));
      return ids.map((id) => {
        const p = byId.get(id);
        return p ? Staff.from(p, roles.get(id) ?? [], logins.get(id) ?? null) : null;
      });
    }),
    pupilCount: new DataLoader<number, number>(async (classIds) => {
      const today = await loaders.today();
      const rows = await em.execute<{ class_group_id: number; n: string }[]>(
        `select class_group_id, count(distinct pupil_id) as n from enrollment
          where school_id = ? and class_group_id in (${classIds.map(() => '?').join(', ')}) and starts_on <= ? and (ends_on is null or ends_on >= ?)
          group by class_group_id`,
        [viewer!.schoolId, ...classIds, today, today],
      );
      const counts = new Map(rows.map((r) => [r.class_group_id, Number(r.n)]));
      return classIds.map((id) => counts.get(id) ?? 0);
    }),
  };
  return loaders;
}
