import type { EntityManager } from '@mikro-orm/postgresql';
import { Person } from './person.entity.js';
import { RoleGrant } from './role-grant.entity.js';
import { Role, STAFF_ROLES } from '../../auth/role.js';
import { UserAccount } from './user-account.entity.js';
import { ClassGroup } from '../school/class-group.entity.js';
import { Course } from '../school/course.entity.js';
import { Permission, policy } from '../../auth/policy.js';
import { generatePassword, hashPassword } from '../../auth/password.js';
import type { SessionService } from '../../auth/session.service.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { optionalText, parseId, requiredText } from '../../graphql/validate.js';
import { Staff, StaffRegistration } from '../../graphql/types.js';
import type { Scope } from '../../scope.js';
import type { RegisterStaffInput, StaffInput } from './people.inputs.js';
import { log } from '../../log.js';
import { publishRightsChanged } from '../../events/rights.js';

export const LOGIN_PATTERN = /^[a-z0-9][a-z0-9._-]{2,49}$/;

export class StaffService {
  constructor(private readonly sessions: SessionService) {}

  async list({ em, viewer }: Scope): Promise<Staff[]> {
    policy.require(viewer, Permission.StaffRead);
    const grants = await em.find(
      RoleGrant,
      { school: viewer.schoolId, role: { $in: [...STAFF_ROLES] } },
      { populate: ['person'] },
    );
    const ids = [...new Set(grants.map((g) => g.person.id))];
    const accounts = await em.find(UserAccount, { person: { $in: ids } });
    const logins = new Map(accounts.map((a) => [a.person.id, a.login]));
    const people = new Map(grants.map((g) => [g.person.id, g.person.getEntity()]));
    return ids
      .map((id) => {
        const roles = grants.filter((g) => g.person.id === id).map((g) => g.role);
        return Staff.from(people.get(id)!, sortRoles(roles), logins.get(id) ?? null);
      })
      .sort((a, b) => a.fullName.localeCompare(b.fullName, 'ru'));
  }

  async register({ em, viewer }: Scope, input: RegisterStaffInput): Promise<StaffRegistration> {
    policy.require(viewer, Permission.StaffManage);
    const names = checkNames(input);
    const roles = checkRoles(input.roles);
    const login = input.login.trim().toLowerCase();
    if (!LOGIN_PATTERN.test(login)) {
      throw badInput(
        'login',
        'INVALID_LOGIN',
        'Login: 3–50 Latin letters, digits, dot, dash or underscore',
      );
    }
    const initialPassword = generatePassword();
    const passwordHash = await hashPassword(initialPassword);
    const staff = await em.transactional(async (tem) => {
      if (await tem.findOne(UserAccount, { login }, { filters: false })) {
        throw conflict('login', 'LOGIN_TAKEN', 'This login is taken');
      }
      const person = tem.create(Person, { school: viewer.schoolId, ...names });
      for (const role of roles) tem.create(RoleGrant, { school: viewer.schoolId, person, role });
      tem.create(UserAccount, { school: viewer.schoolId, person, login, passwordHash });
      await tem.flush();
      return Staff.from(person, roles, login);
    });
    log.info('staff registered', { personId: staff.id, by: viewer.personId });
    return Object.assign(new StaffRegistration(), { staff, login, initialPassword });
  }

  async update({ em, viewer }: Scope, id: string, input: StaffInput): Promise<Staff> {
    policy.require(viewer, Permission.StaffManage);
    const names = checkNames(input);
    const roles = checkRoles(input.roles);
    return em.transactional(async (tem) => {
      const person = await this.staffPerson(tem, viewer.schoolId, id);
      if (person.id === viewer.personId && !roles.includes(Role.SYSADMIN)) {
        throw badInput(
          'roles',
          'CANNOT_DEMOTE_SELF',
          'You cannot take the SYSADMIN role from yourself',
        );
      }
      const grants = await tem.find(RoleGrant, { person: person.id });
      const current = grants.filter((g) => STAFF_ROLES.includes(g.role));
      if (current.some((g) => g.role === Role.TEACHER) && !roles.includes(Role.TEACHER)) {
        await this.assertNotTeaching(tem, person.id);
      }
      const removed = current.filter((g) => !roles.includes(g.role));
      const added = roles.filter((role) => !current.some((g) => g.role === role));
      for (const g of removed) tem.remove(g);
      for (const role of added) tem.create(RoleGrant, { school: viewer.schoolId, person, role });
      tem.assign(person, names);
      const account = await tem.findOne(UserAccount, { person: person.id });
      const allRoles = [
        ...roles,
        ...grants.filter((g) => !STAFF_ROLES.includes(g.role)).map((g) => g.role),
      ];
      if (removed.length + added.length > 0) {
        // A role taken away (the administration's reading of every journal) ends at once.
        await publishRightsChanged(tem, viewer.schoolId, { personIds: [person.id] });
      }
      return Staff.from(person, sortRoles(allRoles), account?.login ?? null);
    });
  }

  async resetPassword({ em, viewer }: Scope, id: string): Promise<StaffRegistration> {
    policy.require(viewer, Permission.StaffManage);
    const initialPassword = generatePassword();
    const passwordHash = await hashPassword(initialPassword);
    const result = await em.transactional(async (tem) => {
      const person = await this.staffPerson(tem, viewer.schoolId, id);
      const account = await tem.findOne(UserAccount, { person: person.id });
      if (!account) throw notFound();
      tem.assign(account, { passwordHash, passwordChangedAt: new Date() });
      await tem.flush();
      await this.sessions.revokeAllOf(tem, account.id);
      const roles = (await tem.find(RoleGrant, { person: person.id })).map((g) => g.role);
      return { staff: Staff.from(person, sortRoles(roles), account.login), login: account.login };
    });
    log.info('staff password reset', { personId: result.staff.id, by: viewer.personId });
    return Object.assign(new StaffRegistration(), { ...result, initialPassword });
  }

  private async staffPerson(em: EntityManager, schoolId: number, id: string): Promise<Person> {
    const personId = parseId('id', id);
    const isStaff = await em.count(RoleGrant, {
      person: personId,
      school: schoolId,
      role: { $in: [...STAFF_ROLES] },
    });
    const person = isStaff ? await em.findOne(Person, { id: personId, school: schoolId }) : null;
    if (!person) throw notFound();
    return person;
  }

  private async assertNotTeaching(em: EntityManager, personId: number): Promise<void> {
    const [courses, classes] = await Promise.all([
      em.count(Course, { teacher: personId }),
      em.count(ClassGroup, { classTeacher: personId }),
    ]);
    if (courses + classes > 0) {
      throw conflict(
        'roles',
        'HAS_DEPENDENTS',
        'This teacher still teaches courses or leads a class',
      );
    }
  }
}

function checkNames(input: StaffInput) {
  return {
    lastName: requiredText('lastName', input.lastName, 100),
    firstName: requiredText('firstName', input.firstName, 100),
    middleName: optionalText('middleName', input.middleName, 100),
  };
}

function checkRoles(roles: Role[]): Role[] {
  const unique = [...new Set(roles)];
  if (unique.length === 0 || unique.some((r) => !STAFF_ROLES.includes(r))) {
    throw badInput('roles', 'INVALID_ROLES', 'Choose one or more staff roles');
  }
  return sortRoles(unique);
}

const ROLE_ORDER = Object.values(Role);
const sortRoles = (roles: Role[]) =>
  [...roles].sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b));
