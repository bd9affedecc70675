import type { MikroORM } from '@mikro-orm/postgresql';
import { hashPassword } from '../auth/password.js';
import { Enrollment } from '../modules/people/enrollment.entity.js';
import { Guardianship } from '../modules/people/guardianship.entity.js';
import { RoleGrant } from '../modules/people/role-grant.entity.js';
import { Role } from '../auth/role.js';
import { UserAccount } from '../modules/people/user-account.entity.js';
import { Person } from '../modules/people/person.entity.js';
import { generateSchool } from './generate.js';
import { fillJournal } from './journal.js';
import { fillPersonalData } from './personal.js';
import { todayIn } from '../graphql/validate.js';
import { childName } from './names.js';
import { Faker, ru, base } from '@faker-js/faker';

export const DEMO_PASSWORD = 'demo';
export const DEMO_LOGINS = [
  'sysadmin',
  'director',
  'deputy',
  'teacher',
  'classteacher',
  'parent',
  'pupil',
];

/** The school year in progress on `today` starts on 1 September of this calendar year. */
export const schoolYearStart = (today = new Date()) =>
  today.getMonth() >= 7 ? today.getFullYear() : today.getFullYear() - 1;

/**
 * A small rural basic school (grades 1–9, one class each, 5–12 pupils), deterministic for a
 * given school year. The `parent` has two children: `pupil` in 7А (led by `classteacher`, taught
 * algebra by `teacher`) and a younger one in 3А.
 */
export async function seedDemoSchool(orm: MikroORM, today = new Date()): Promise<void> {
  const em = orm.em.fork();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await em.transactional(async (tem) => {
    const g = await generateSchool(tem, {
      seed: 20260901,
      schoolName: 'МКОУ «Берёзовская основная общеобразовательная школа»',
      startYear: schoolYearStart(today),
      grades: [1, 2, 3, 4, 5, 6, 7, 8, 9],
      letters: ['А'],
      pupilsPerClass: [5, 12],
      passwordHash,
    });
    g.school.shortName = 'Берёзовская ООШ';
    g.school.address = 'Тверская обл., д. Берёзовка, ул. Школьная, 1';
    const cls7 = g.classes.find((c) => c.grade === 7)!;
    const cls3 = g.classes.find((c) => c.grade === 3)!;
    const family = g.families.find((f) => f.children[0].cls === cls7 && f.guardians.length === 2)!;
    const [father, mother] = family.guardians;
    const faker = new Faker({ locale: [ru, base], seed: 7 });
    const younger = tem.create(Person, {
      school: g.school,
      ...childName(faker, father.lastName, father.firstName),
    });
    tem.create(RoleGrant, { school: g.school, person: younger, role: Role.STUDENT });
    tem.create(Enrollment, {
      school: g.school,
      pupil: younger,
      classGroup: cls3,
      startsOn: g.year.startsOn,
    });
    for (const guardian of [father, mother]) {
      tem.create(Guardianship, {
        school: g.school,
        guardian,
        pupil: younger,
        kind: guardian === father ? 'father' : 'mother',
      });
    }
    tem.create(UserAccount, { school: g.school, person: mother, login: 'parent', passwordHash });
    tem.create(UserAccount, {
      school: g.school,
      person: family.children[0].pupil,
      login: 'pupil',
      passwordHash,
    });
    await tem.flush();
    await fillJournal(tem, g, {
      seed: 20261128,
      today: todayIn(g.school.timeZone, today),
      closeFirstPeriod: true,
    });
    await fillPersonalData(
      tem,
      g.school.id,
      todayIn(g.school.timeZone, today),
      schoolYearStart(today),
    );
  });
  // The planner's statistics for the rows just loaded. Without them, until autovacuum gets round
  // to it, whole-school reads plan as if every table held one row: the deputy's journal-health
  // dashboard took minutes instead of well under a second on a freshly seeded demo.
  await em.execute('analyze');
}
