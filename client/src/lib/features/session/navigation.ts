import type { Pathname } from '$app/types';
import type { Role } from '$lib/graphql/generated/graphql';

/**
 * The pages the menu leads to, a closed list rather than every `Pathname`: TypeScript checks
 * `resolve()` on a union of at most 25 routes, and the app has more.
 */
type MenuHref = Extract<
  Pathname,
  | '/'
  | '/admin/school'
  | '/admin/years'
  | '/admin/classes'
  | '/admin/subjects'
  | '/admin/courses'
  | '/admin/timetable'
  | '/admin/staff'
  | '/admin/journal-settings'
  | '/admin/personal-data-log'
  | '/diary'
  | '/periods'
  | '/reports'
  | '/cancelled-days'
  | '/cancelled-days/class'
  | '/announcements'
  | '/weekly-reports'
  | '/duties'
  | '/duties/account'
  | '/duties/weights'
  | '/control'
  | '/control/remarks'
  | '/control/settings'
>;

export interface NavEntry {
  href: MenuHref;
  /** Dictionary key of the label. */
  label: string;
}

const HOME: NavEntry = { href: '/', label: 'nav.home' };

const ADMIN: NavEntry[] = [
  { href: '/admin/school', label: 'nav.school' },
  { href: '/admin/years', label: 'nav.years' },
  { href: '/admin/classes', label: 'nav.classes' },
  { href: '/admin/subjects', label: 'nav.subjects' },
  { href: '/admin/courses', label: 'nav.courses' },
  { href: '/admin/timetable', label: 'nav.timetable' },
  { href: '/admin/staff', label: 'nav.staff' },
  { href: '/admin/journal-settings', label: 'nav.journalSettings' },
];

/** A pupil's own diary, a parent's children's (the page picks whose). */
const DIARY: NavEntry = { href: '/diary', label: 'nav.diary' };

/** Closing and reopening study periods (the administration). */
const PERIODS: NavEntry = { href: '/periods', label: 'nav.periods' };

/** Reports over the school (the administration) or a teacher's own courses and class. */
const REPORTS: NavEntry = { href: '/reports', label: 'reports.nav' };

/** Cancelled-class days: declared by the DIRECTOR or DEPUTY, thresholds set by the SYSADMIN. */
const CANCELLED_DAYS: NavEntry = { href: '/cancelled-days', label: 'cancelledDays.nav' };

/** The class teacher's remote-study table across subjects (the administration's from the days page). */
const REMOTE_CLASS: NavEntry = {
  href: '/cancelled-days/class',
  label: 'cancelledDays.classTable.nav',
};

/** Announcements: staff post to the audiences they may reach; families and staff read them. */
const ANNOUNCEMENTS: NavEntry = { href: '/announcements', label: 'announcements.nav' };

/** Weekly reports: the class teacher reviews and sends, a family reads and acknowledges. */
const WEEKLY_REPORTS: NavEntry = { href: '/weekly-reports', label: 'weeklyReports.nav' };

/** The class teacher's weekly attendance review; the administration reviews any class. */
const DUTIES: NavEntry = { href: '/duties', label: 'duties.nav' };

/** The class teachers' year account (R-7.1): the administration's, and a class teacher's own. */
const DUTY_ACCOUNT: NavEntry = { href: '/duties/account', label: 'duties.accountNav' };

/** The weights that turn the duties into points (SYSADMIN; the director reaches it from the account). */
const DUTY_WEIGHTS: NavEntry = { href: '/duties/weights', label: 'duties.weightsNav' };

/** Journal control: the live dashboard of every journal's health, and checks. */
const CONTROL: NavEntry = { href: '/control', label: 'control.nav' };

/** The remarks of journal checks addressed to the teacher, to answer. */
const CONTROL_REMARKS: NavEntry = { href: '/control/remarks', label: 'control.remarksNav' };

/** The school's rules of journal health (SYSADMIN; the director reaches them from the dashboard). */
const CONTROL_SETTINGS: NavEntry = { href: '/control/settings', label: 'control.settingsNav' };

/** The administration's menu: the director's and the deputy's entries are the same. */
const ADMINISTRATION: NavEntry[] = [
  HOME,
  PERIODS,
  REPORTS,
  ANNOUNCEMENTS,
  WEEKLY_REPORTS,
  CANCELLED_DAYS,
  DUTIES,
  DUTY_ACCOUNT,
  CONTROL,
];

const ENTRIES_BY_ROLE: Record<Role, NavEntry[]> = {
  SYSADMIN: [HOME, ...ADMIN, CANCELLED_DAYS, DUTY_WEIGHTS, CONTROL_SETTINGS],
  DIRECTOR: ADMINISTRATION,
  DEPUTY: ADMINISTRATION,
  TEACHER: [HOME, REPORTS, ANNOUNCEMENTS, WEEKLY_REPORTS, DUTIES, REMOTE_CLASS, CONTROL_REMARKS],
  PARENT: [HOME, DIARY, ANNOUNCEMENTS, WEEKLY_REPORTS],
  STUDENT: [HOME, DIARY, ANNOUNCEMENTS],
};

/**
 * Entries a role gives only to a person who leads a class: a plain teacher has no class to review
 * (the administration reviews any class, so its roles keep the entry).
 */
const FOR_CLASS_TEACHERS: Partial<Record<Role, ReadonlySet<string>>> = {
  TEACHER: new Set([DUTIES.href, REMOTE_CLASS.href]),
};

/** Who read whose personal data (152-FZ): the director's, though it lives among the admin pages. */
const PERSONAL_DATA_LOG: NavEntry = {
  href: '/admin/personal-data-log',
  label: 'nav.personalDataLog',
};

/** Admin pages that are not the SYSADMIN's, with the roles that may open them. */
const ADMIN_PAGE_ROLES: { href: string; roles: Role[] }[] = [
  { href: PERSONAL_DATA_LOG.href, roles: ['DIRECTOR'] },
];

/** The roles that may open an admin page: the SYSADMIN, unless the page is someone else's. */
export function adminPageRoles(pathname: string): Role[] {
  return ADMIN_PAGE_ROLES.find((entry) => isActive(entry.href, pathname))?.roles ?? ['SYSADMIN'];
}

/**
 * Oversight pages outside a role's daily work, shown after its entries: the personal data
 * access log for the director.
 */
export function oversightFor(roles: readonly Role[]): NavEntry[] {
  return roles.includes('DIRECTOR') ? [PERSONAL_DATA_LOG] : [];
}

/** The whole menu: a role's entries (`navigationFor`), then its oversight pages. */
export function menuFor(roles: readonly Role[], leadsClass = false): NavEntry[] {
  return [...navigationFor(roles, leadsClass), ...oversightFor(roles)];
}

/**
 * Navigation for a person with these roles (and, `leadsClass`, a class of their own): the union
 * of each role's entries, in order.
 */
export function navigationFor(roles: readonly Role[], leadsClass = false): NavEntry[] {
  const seen = new Set<string>();
  const entries: NavEntry[] = [];
  for (const role of roles) {
    for (const entry of ENTRIES_BY_ROLE[role]) {
      if (!leadsClass && FOR_CLASS_TEACHERS[role]?.has(entry.href)) continue;
      if (!seen.has(entry.href)) {
        seen.add(entry.href);
        entries.push(entry);
      }
    }
  }
  return entries.length > 0 ? entries : [HOME];
}

/**
 * The menu entry of the current page: of those `isActive`, the longest (on /duties/account the
 * year account, not the attendance review at /duties).
 */
export function currentEntry(entries: readonly NavEntry[], pathname: string): string | undefined {
  let best: string | undefined;
  for (const entry of entries) {
    if (isActive(entry.href, pathname) && (best === undefined || entry.href.length > best.length)) {
      best = entry.href;
    }
  }
  return best;
}

/** True when `href` is the current section (home matches only itself). */
export function isActive(href: string, pathname: string): boolean {
  return href === '/' ? pathname === '/' : pathname === href || pathname.startsWith(`${href}/`);
}
