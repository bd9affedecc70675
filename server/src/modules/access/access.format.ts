import { Role } from '../../auth/role.js';
import type { Lang } from '../../documents/pdf.js';
import { FileDownload } from '../people/people.types.js';

/** How access answers print: role labels on slips and in the register, and PDFs to download. */

const ROLE_LABELS: Record<Lang, Record<Role, string>> = {
  ru: {
    SYSADMIN: 'системный администратор',
    DIRECTOR: 'директор',
    DEPUTY: 'заместитель директора',
    TEACHER: 'учитель',
    STUDENT: 'ученик',
    PARENT: 'родитель',
  },
  en: {
    SYSADMIN: 'system administrator',
    DIRECTOR: 'director',
    DEPUTY: 'deputy director',
    TEACHER: 'teacher',
    STUDENT: 'pupil',
    PARENT: 'parent',
  },
};
const ROLE_ORDER = Object.values(Role);

export const roleLabel = (roles: Role[], lang: Lang) =>
  [...roles]
    .sort((a, b) => ROLE_ORDER.indexOf(a) - ROLE_ORDER.indexOf(b))
    .map((r) => ROLE_LABELS[lang][r])
    .join(', ');

export const pdf = (filename: string, bytes: Buffer) =>
  Object.assign(new FileDownload(), {
    filename,
    contentType: 'application/pdf',
    base64: bytes.toString('base64'),
  });
