import { describe, expect, it } from 'vitest';
import { adminPageRoles, currentEntry, isActive, menuFor, navigationFor } from './navigation';

describe('navigationFor', () => {
  it('gives a system administrator the admin screens', () => {
    expect(navigationFor(['SYSADMIN']).map((entry) => entry.href)).toEqual([
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
      expect(navigationFor([role]).map((entry) => entry.href)).toEqual([
        '/',
        '/periods',
        '/reports',
        '/announcements',
        '/weekly-reports',
        '/cancelled-days',
        '/duties',
        '/duties/account',
        '/control',
      ]);
    }
    expect(navigationFor(['TEACHER']).map((entry) => entry.href)).not.toContain('/periods');
  });

  it('offers reports to the administration and teachers only', () => {
    expect(navigationFor(['TEACHER']).map((entry) => entry.href)).toEqual([
      '/',
      '/reports',
      '/announcements',
      '/weekly-reports',
      '/control/remarks',
    ]);
    for (const role of ['SYSADMIN', 'PARENT', 'STUDENT'] as const) {
      expect(navigationFor([role]).map((entry) => entry.href)).not.toContain('/reports');
    }
  });

  it('gives other roles no admin screens', () => {
    for (const role of ['DIRECTOR', 'DEPUTY', 'TEACHER', 'PARENT', 'STUDENT'] as const) {
      expect(navigationFor([role]).every((entry) => !entry.href.startsWith('/admin'))).toBe(true);
    }
  });

  it('joins the entries of several roles without repeating one', () => {
    const hrefs = navigationFor(['TEACHER', 'SYSADMIN', 'PARENT']).map((entry) => entry.href);
    expect(new Set(hrefs).size).toBe(hrefs.length);
    expect(hrefs).toContain('/admin/staff');
  });

  it('leads parents and pupils to the diary and the announcements, parents to weekly reports', () => {
    expect(navigationFor(['PARENT']).map((entry) => entry.href)).toEqual([
      '/',
      '/diary',
      '/announcements',
      '/weekly-reports',
    ]);
    expect(navigationFor(['STUDENT']).map((entry) => entry.href)).toEqual([
      '/',
      '/diary',
      '/announcements',
    ]);
    expect(navigationFor(['PARENT', 'STUDENT']).map((entry) => entry.href)).toEqual([
      '/',
      '/diary',
      '/announcements',
      '/weekly-reports',
    ]);
  });

  it("offers the weekly attendance review to a teacher who leads a class, the administration's roles always", () => {
    expect(navigationFor(['TEACHER'], true).map((entry) => entry.href)).toEqual([
      '/',
      '/reports',
      '/announcements',
      '/weekly-reports',
      '/duties',
      '/cancelled-days/class',
      '/control/remarks',
    ]);
    expect(navigationFor(['TEACHER']).map((entry) => entry.href)).not.toContain('/duties');
    // The class's remote-study table too: a plain teacher has no class.
    expect(navigationFor(['TEACHER']).map((entry) => entry.href)).not.toContain(
      '/cancelled-days/class',
    );
    expect(navigationFor(['TEACHER', 'DEPUTY']).map((entry) => entry.href)).toContain('/duties');
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
      '/',
      '/periods',
      '/reports',
      '/announcements',
      '/weekly-reports',
      '/cancelled-days',
      '/duties',
      '/duties/account',
      '/control',
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
