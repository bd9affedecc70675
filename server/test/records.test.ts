import { describe, expect, it } from 'vitest';
import { Role } from '../src/auth/role.js';
import type { Viewer } from '../src/auth/viewer.js';
import {
  canReadAccessRegister,
  canReadClassJournal,
  canReadCourse,
  canReadDiary,
  canReadRoster,
  ownPupilIds,
  readableCourseIds,
  readablePupilIds,
} from '../src/auth/records.js';

/**
 * The per-record rules of auth/records.ts (issue 20, decision 36), each asked of every kind of
 * viewer: who may, and that everybody else may not. The areas' suites (diary, journal, people,
 * access, live) check that their reads and feeds answer by these functions.
 */
const PUPIL = 100;
const CLASSMATE = 101;
const CLASS = 7;
const FORMER_CLASS = 6;
const OTHER_CLASS = 8;
const COURSE = { id: 50, teacherId: 20, classGroupId: CLASS };

function viewer(personId: number, roles: Role[], o: Partial<Viewer> = {}): Viewer {
  return {
    sessionId: 1,
    accountId: 1,
    personId,
    schoolId: 1,
    login: `p${personId}`,
    roles: new Set(roles),
    childIds: [],
    ledClassIds: [],
    courseIds: [],
    expiresAt: new Date(0),
    lastSeenAt: new Date(0),
    ...o,
  };
}

const V = {
  pupil: viewer(PUPIL, [Role.STUDENT]),
  classmate: viewer(CLASSMATE, [Role.STUDENT]),
  parent: viewer(200, [Role.PARENT], { childIds: [PUPIL] }),
  otherParent: viewer(201, [Role.PARENT], { childIds: [CLASSMATE] }),
  courseTeacher: viewer(20, [Role.TEACHER], { courseIds: [COURSE.id] }),
  classTeacher: viewer(21, [Role.TEACHER], { ledClassIds: [CLASS] }),
  formerClassTeacher: viewer(22, [Role.TEACHER], { ledClassIds: [FORMER_CLASS] }),
  otherTeacher: viewer(23, [Role.TEACHER], { ledClassIds: [OTHER_CLASS] }),
  director: viewer(30, [Role.DIRECTOR]),
  deputy: viewer(31, [Role.DEPUTY]),
  sysadmin: viewer(32, [Role.SYSADMIN]),
};
type Who = keyof typeof V;
const everyone = Object.keys(V) as Who[];

/** Whom a rule lets through, of everyone in V. */
const allowed = (rule: (v: Viewer) => boolean) => everyone.filter((w) => rule(V[w]));

describe('per-record rules', () => {
  it('a pupil’s diary: the pupil, their guardian, a class teacher of any class of theirs, the administration', () => {
    const pupil = { id: PUPIL, classIds: [FORMER_CLASS, CLASS] };
    expect(allowed((v) => canReadDiary(v, pupil))).toEqual([
      'pupil',
      'parent',
      'classTeacher',
      'formerClassTeacher',
      'director',
      'deputy',
    ]);
  });

  it('a course’s journal: its teacher, the class teacher of its class, the administration that reads journals', () => {
    expect(allowed((v) => canReadCourse(v, COURSE))).toEqual([
      'courseTeacher',
      'classTeacher',
      'director',
      'deputy',
    ]);
  });

  it('a class’s journal summary: its class teacher and the administration that reads journals', () => {
    expect(allowed((v) => canReadClassJournal(v, CLASS))).toEqual([
      'classTeacher',
      'director',
      'deputy',
    ]);
  });

  it('a class’s roster: its class teacher and whoever reads all personal data', () => {
    expect(allowed((v) => canReadRoster(v, CLASS))).toEqual([
      'classTeacher',
      'director',
      'deputy',
      'sysadmin',
    ]);
  });

  it('the access register: the administration whole, a class teacher their class, nobody the staff’s but the administration', () => {
    expect(allowed((v) => canReadAccessRegister(v, { classId: CLASS, staff: false }))).toEqual([
      'classTeacher',
      'director',
      'deputy',
      'sysadmin',
    ]);
    expect(allowed((v) => canReadAccessRegister(v, { classId: null, staff: true }))).toEqual([
      'director',
      'deputy',
      'sysadmin',
    ]);
    expect(allowed((v) => canReadAccessRegister(v, { classId: null, staff: false }))).toEqual([
      'director',
      'deputy',
      'sysadmin',
    ]);
  });

  it('own pupils: a pupil themselves, a parent their children, staff nobody', () => {
    const own = Object.fromEntries(everyone.map((w) => [w, ownPupilIds(V[w])]));
    expect(own).toEqual({
      ...Object.fromEntries(everyone.map((w) => [w, []])),
      pupil: [PUPIL],
      classmate: [CLASSMATE],
      parent: [PUPIL],
      otherParent: [CLASSMATE],
    });
  });

  it('answers in bulk exactly as one by one', () => {
    const pupils = [
      { id: PUPIL, classIds: [CLASS] },
      { id: CLASSMATE, classIds: [CLASS] },
      { id: 102, classIds: [OTHER_CLASS] },
    ];
    const courses = [COURSE, { id: 51, teacherId: 23, classGroupId: OTHER_CLASS }];
    for (const w of everyone) {
      const v = V[w];
      expect([...readablePupilIds(v, pupils)], w).toEqual(
        pupils.filter((p) => canReadDiary(v, p)).map((p) => p.id),
      );
      expect([...readableCourseIds(v, courses)], w).toEqual(
        courses.filter((c) => canReadCourse(v, c)).map((c) => c.id),
      );
    }
    expect([...readablePupilIds(V.otherTeacher, pupils)]).toEqual([102]);
    expect([...readableCourseIds(V.otherTeacher, courses)]).toEqual([51]);
  });
});
