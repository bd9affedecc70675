import type { EntityManager } from '@mikro-orm/postgresql';
import { School } from './school.entity.js';
import { Person } from '../people/person.entity.js';
import { RoleGrant } from '../people/role-grant.entity.js';
import { Role } from '../../auth/role.js';
import { UserAccount } from '../people/user-account.entity.js';
import { LOGIN_PATTERN } from '../people/staff.service.js';
import { generatePassword, hashPassword } from '../../auth/password.js';
import { badInput, conflict } from '../../errors.js';
import { isValidTimeZone, requiredText } from '../../graphql/validate.js';
import { addJournalDefaults } from '../journal/journal-defaults.js';

export interface NewSchool {
  name: string;
  timeZone?: string;
  admin: { lastName: string; firstName: string; middleName?: string; login: string };
}

/** The operator's act of creating a school and its first SYSADMIN; returns the one-time password. */
export async function createSchool(
  em: EntityManager,
  input: NewSchool,
): Promise<{ school: School; login: string; password: string }> {
  const name = requiredText('name', input.name, 200);
  const timeZone = input.timeZone ?? 'Europe/Moscow';
  if (!isValidTimeZone(timeZone)) {
    throw badInput('timeZone', 'INVALID_TIME_ZONE', 'Unknown time zone');
  }
  const login = input.admin.login.trim().toLowerCase();
  if (!LOGIN_PATTERN.test(login)) {
    throw badInput(
      'login',
      'INVALID_LOGIN',
      'Login: 3–50 Latin letters, digits, dot, dash or underscore',
    );
  }
  const password = generatePassword();
  const passwordHash = await hashPassword(password);
  const school = await em.transactional(async (tem) => {
    if (await tem.findOne(UserAccount, { login }, { filters: false })) {
      throw conflict('login', 'LOGIN_TAKEN', 'This login is taken');
    }
    const school = tem.create(School, { name, timeZone });
    addJournalDefaults(tem, school);
    const person = tem.create(Person, {
      school,
      lastName: requiredText('lastName', input.admin.lastName, 100),
      firstName: requiredText('firstName', input.admin.firstName, 100),
      middleName: input.admin.middleName?.trim() || null,
    });
    tem.create(RoleGrant, { school, person, role: Role.SYSADMIN });
    tem.create(UserAccount, { school, person, login, passwordHash });
    return school;
  });
  return { school, login, password };
}
