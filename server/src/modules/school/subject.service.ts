import type { EntityManager } from '@mikro-orm/postgresql';
import { Subject } from './subject.entity.js';
import { Course } from './course.entity.js';
import { Permission, policy } from '../../auth/policy.js';
import { conflict, notFound } from '../../errors.js';
import { optionalText, parseId, requiredText } from '../../graphql/validate.js';
import type { Scope } from '../../scope.js';
import type { SubjectInput } from './school.inputs.js';

export class SubjectService {
  async list({ em, viewer }: Scope): Promise<Subject[]> {
    policy.require(viewer, Permission.StructureRead);
    return em.find(Subject, { school: viewer.schoolId }, { orderBy: { name: 'asc' } });
  }

  async get({ em, viewer }: Scope, id: string): Promise<Subject> {
    policy.require(viewer, Permission.StructureRead);
    const s = await em.findOne(Subject, { id: parseId('id', id), school: viewer.schoolId });
    if (!s) throw notFound();
    return s;
  }

  async create({ em, viewer }: Scope, input: SubjectInput): Promise<Subject> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) =>
      tem.create(Subject, {
        school: viewer.schoolId,
        ...(await this.check(tem, viewer.schoolId, input, null)),
      }),
    );
  }

  async update({ em, viewer }: Scope, id: string, input: SubjectInput): Promise<Subject> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) => {
      const s = await this.get({ em: tem, viewer }, id);
      tem.assign(s, await this.check(tem, viewer.schoolId, input, s.id));
      return s;
    });
  }

  async delete({ em, viewer }: Scope, id: string): Promise<boolean> {
    policy.require(viewer, Permission.StructureManage);
    return em.transactional(async (tem) => {
      const s = await this.get({ em: tem, viewer }, id);
      if ((await tem.count(Course, { subject: s.id })) > 0) {
        throw conflict(
          undefined,
          'HAS_DEPENDENTS',
          'The subject is taught in some courses; remove them first',
        );
      }
      tem.remove(s);
      return true;
    });
  }

  private async check(
    em: EntityManager,
    schoolId: number,
    input: SubjectInput,
    selfId: number | null,
  ) {
    const name = requiredText('name', input.name, 100);
    const same = await em.findOne(Subject, {
      school: schoolId,
      name: { $ilike: name.replace(/[\\%_]/g, (c) => `\\${c}`) },
      id: { $ne: selfId ?? 0 },
    });
    if (same) throw conflict('name', 'NAME_TAKEN', 'A subject with this name exists');
    return { name, shortName: optionalText('shortName', input.shortName, 30) };
  }
}
