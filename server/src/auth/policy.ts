import { Role } from '../modules/people/role-grant.entity.js';
import { DomainError, unauthenticated } from '../errors.js';
import type { Viewer } from './viewer.js';

/** Everything a viewer may be allowed to do. Deny by default: a permission nobody grants is refused. */
export enum Permission {
  SchoolRead = 'school.read',
  SchoolManage = 'school.manage',
  CalendarRead = 'calendar.read',
  StructureRead = 'structure.read',
  StructureManage = 'structure.manage',
  StaffRead = 'staff.read',
  StaffManage = 'staff.manage',
  /** Read every journal page and every pupil's diary in the school. */
  JournalReadAll = 'journal.read.all',
  /** Write in journals: only in own courses, or in lessons substituted (checked per record). */
  JournalWrite = 'journal.write',
  /** Close a study period, and reopen it with a reason. */
  PeriodLock = 'period.lock',
  /** Record who replaces a teacher in a lesson. */
  LessonSubstitute = 'lesson.substitute',
}

const ADMINISTRATION: Permission[] = [
  Permission.SchoolRead,
  Permission.CalendarRead,
  Permission.StructureRead,
  Permission.StaffRead,
];

const GRANTS: Record<Role, readonly Permission[]> = {
  [Role.SYSADMIN]: [
    ...ADMINISTRATION,
    Permission.SchoolManage,
    Permission.StructureManage,
    Permission.StaffManage,
  ],
  [Role.DIRECTOR]: [
    ...ADMINISTRATION,
    Permission.JournalReadAll,
    Permission.PeriodLock,
    Permission.LessonSubstitute,
  ],
  [Role.DEPUTY]: [
    ...ADMINISTRATION,
    Permission.JournalReadAll,
    Permission.PeriodLock,
    Permission.LessonSubstitute,
  ],
  [Role.TEACHER]: [
    Permission.SchoolRead,
    Permission.CalendarRead,
    Permission.StructureRead,
    Permission.JournalWrite,
  ],
  [Role.STUDENT]: [Permission.SchoolRead, Permission.CalendarRead],
  [Role.PARENT]: [Permission.SchoolRead, Permission.CalendarRead],
};

interface Policy {
  can(viewer: Viewer | null, permission: Permission): boolean;
  require(viewer: Viewer | null, permission: Permission): asserts viewer is Viewer;
  isSelfOrGuardian(viewer: Viewer, personId: number): boolean;
}

export const policy: Policy = {
  can(viewer: Viewer | null, permission: Permission): boolean {
    if (!viewer) return false;
    for (const role of viewer.roles) if (GRANTS[role].includes(permission)) return true;
    return false;
  },

  /** Throws UNAUTHENTICATED without a viewer and FORBIDDEN without the permission. */
  require(viewer: Viewer | null, permission: Permission): asserts viewer is Viewer {
    if (!viewer) throw unauthenticated();
    if (!policy.can(viewer, permission)) {
      throw new DomainError('FORBIDDEN', 'You are not allowed to do this', { reason: permission });
    }
  },

  /** For reads of one person's own data: the person, or their guardian. */
  isSelfOrGuardian(viewer: Viewer, personId: number): boolean {
    return viewer.personId === personId || viewer.childIds.includes(personId);
  },
};
