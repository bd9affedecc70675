/**
 * Creates a school and its first SYSADMIN, and prints the SYSADMIN's one-time password.
 * npm run school:create -- --name "МБОУ СОШ №1" --login admin --last-name Иванов --first-name Иван [--time-zone Europe/Moscow]
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { withAdminServer } from '../db/database.js';
import { migrate, openOrm } from '../db/orm.js';
import { createSchool } from '../modules/school/school-setup.js';
import { DomainError } from '../errors.js';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    login: { type: 'string' },
    'last-name': { type: 'string' },
    'first-name': { type: 'string' },
    'middle-name': { type: 'string' },
    'time-zone': { type: 'string' },
  },
});
const missing = ['name', 'login', 'last-name', 'first-name'].filter(
  (k) => !values[k as keyof typeof values],
);
if (missing.length > 0) {
  console.error(`Missing: ${missing.map((m) => `--${m}`).join(', ')}`);
  console.error(
    'Usage: npm run school:create -- --name "School" --login admin --last-name Иванов --first-name Иван',
  );
  process.exit(2);
}

await withAdminServer(loadConfig(), async (db) => {
  const orm = await openOrm(db.appUrl);
  try {
    await migrate(orm);
    const r = await createSchool(orm.em.fork(), {
      name: values.name!,
      timeZone: values['time-zone'],
      admin: {
        login: values.login!,
        lastName: values['last-name']!,
        firstName: values['first-name']!,
        middleName: values['middle-name'],
      },
    });
    console.log(`School «${r.school.name}» created (id ${r.school.id}).`);
    console.log(
      `SYSADMIN login: ${r.login}\nOne-time password: ${r.password}\n(shown once; hand it over against a signature)`,
    );
  } catch (e) {
    if (e instanceof DomainError) {
      console.error(`Refused: ${e.message}${e.details.field ? ` (${e.details.field})` : ''}`);
      process.exitCode = 1;
    } else throw e;
  } finally {
    await orm.close(true);
  }
});
