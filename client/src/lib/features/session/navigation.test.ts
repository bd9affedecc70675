import { describe, expect, it } from 'vitest';
import type { Role } from '$lib/graphql/generated/graphql';
import { adminPageRoles, currentEntry, isActive, menuFor, navigationFor } from './navigation';

/** The addresses the menu offers, in order. */
const hrefs = (roles: Role[], leadsClass = false) =>
  navigationFor(roles, leadsClass).map((entry) => entry.href);

// The director's and the deputy's menu; the director's adds the personal data access log.
const administration = [
  '/',
  '/periods',
  '/reports',
  '/announcements',
  '/weekly-reports',
  '/cancelled-days',
  '/duties',
  '/duties/account',
  '/control',
];
const parent = ['/', '/diary', '/announcements', '/weekly-reports'];

describe('navigationFor', () => {
  it('gives a system administrator the admin screens', () => {
    expect(hrefs(['SYSADMIN'])).toEqual([
      '/',
      '/admin/school',
      '/admin/years',
      '/admin/classes',
      '/admin/subjects',
      '/admin/courses',
      '/admin/timetable',
      '/admin/staff',
      '/admin/journal-settings',
      '/cancelled-days',
      '/duties/weights',
      '/control/settings',
    ]);
  });

  it('leads the director and the deputy to the study periods', () => {
    for (const role of ['DIRECTOR', 'DEPUTY'] as const) {
      expect(hrefs([role])).toEqual(administration);
    }
    expect(hrefs(['TEACHER'])).not.toContain('/periods');
  });

  it('offers reports to the administration and teachers only', () => {
    expect(hrefs(['TEACHER'])).toEqual([
      '/',
      '/reports',
      '/announcements',
      '/weekly-reports',
      '/control/remarks',
    ]);
    for (const role of ['SYSADMIN', 'PARENT', 'STUDENT'] as const) {
      expect(hrefs([role])).not.toContain('/reports');
    }
  });

  it('gives other roles no admin screens', () => {
    for (const role of ['DIRECTOR', 'DEPUTY', 'TEACHER', 'PARENT', 'STUDENT'] as const) {
      expect(navigationFor([role]).every((entry) => !entry.href.startsWith('/admin'))).toBe(true);
    }
  });

  it('joins the entries of several roles without repeating one', () => {
    const joined = hrefs(['TEACHER', 'SYSADMIN', 'PARENT']);
    expect(new Set(joined).size).toBe(joined.length);
    expect(joined).toContain('/admin/staff');
  });

  it('leads parents and pupils to the diary and the announcements, parents to weekly reports', () => {
    expect(hrefs(['PARENT'])).toEqual(parent);
    expect(hrefs(['STUDENT'])).toEqual(['/', '/diary', '/announcements']);
    expect(hrefs(['PARENT', 'STUDENT'])).toEqual(parent);
  });

  it("offers the weekly attendance review to a teacher who leads a class, the administration's roles always", () => {
    expect(hrefs(['TEACHER'], true)).toEqual([
      '/',
      '/reports',
      '/announcements',
      '/weekly-reports',
      '/duties',
      '/cancelled-days/class',
      '/control/remarks',
    ]);
    expect(hrefs(['TEACHER'])).not.toContain('/duties');
    // The class's remote-study table too: a plain teacher has no class.
    expect(hrefs(['TEACHER'])).not.toContain('/cancelled-days/class');
    expect(hrefs(['TEACHER', 'DEPUTY'])).toContain('/duties');
    expect(menuFor(['TEACHER'], true)).toEqual(navigationFor(['TEACHER'], true));
  });

  it('always offers home', () => {
    expect(navigationFor([])).toEqual([{ href: '/', label: 'nav.home' }]);
  });
});

describe('isActive', () => {
  it('matches a section and its sub-pages, home only itself', () => {
    expect(isActive('/admin/classes', '/admin/classes')).toBe(true);
    expect(isActive('/admin/classes', '/admin/classes/7')).toBe(true);
    expect(isActive('/admin/class', '/admin/classes')).toBe(false);
    expect(isActive('/', '/admin/classes')).toBe(false);
    expect(isActive('/', '/')).toBe(true);
    expect(isActive('/diary', '/diary/181')).toBe(true);
  });
});

describe('currentEntry', () => {
  it('marks only the best match: the year account, not the review it is under', () => {
    const entries = menuFor(['DEPUTY']);
    expect(currentEntry(entries, '/duties/account')).toBe('/duties/account');
    expect(currentEntry(entries, '/duties')).toBe('/duties');
    expect(currentEntry(entries, '/duties/5')).toBe('/duties');
    expect(currentEntry(entries, '/control/checks/3')).toBe('/control');
    expect(currentEntry(entries, '/')).toBe('/');
    expect(currentEntry(entries, '/account')).toBeUndefined();
  });
});

describe('menuFor', () => {
  it('adds the personal data access log for the director only', () => {
    expect(menuFor(['DIRECTOR']).map((entry) => entry.href)).toEqual([
      ...administration,
      '/admin/personal-data-log',
    ]);
    for (const role of ['SYSADMIN', 'DEPUTY', 'TEACHER', 'PARENT', 'STUDENT'] as const) {
      expect(menuFor([role])).toEqual(navigationFor([role]));
    }
  });
});

describe('adminPageRoles', () => {
  it('leaves the admin pages to the SYSADMIN but the access log to the director', () => {
    expect(adminPageRoles('/admin/staff')).toEqual(['SYSADMIN']);
    expect(adminPageRoles('/admin/personal-data-log')).toEqual(['DIRECTOR']);
    expect(adminPageRoles('/admin/personal-data-logs')).toEqual(['SYSADMIN']);
  });
});
