import { describe, expect, it } from 'vitest';
import { fieldError, graphQLErrors as refused } from '../../graphql/errors.fixtures';
import {
  assignmentOf,
  changedGroups,
  deleteSplitError,
  distributeEvenly,
  draftsOf,
  groupSizes,
  isSplit,
  journalConflict,
  movedFrom,
  splitErrors,
  splitGroups,
  subgroupsPath,
  subjectsOf,
  subjectTeacher,
  teachersOf,
  unassignedPupils,
} from './subgroups';

const pupils = ['192', '186', '189', '181', '183'].map((id) => ({ id, fullName: `Pupil ${id}` }));
describe('unassignedPupils', () => {
  it('lists the pupils without a group, in list order', () => {
    expect(unassignedPupils(pupils, { '192': 0, '189': 1 }, 2).map((p) => p.id)).toEqual([
      '186',
      '181',
      '183',
    ]);
  });

  it('counts a pupil of a group that is no longer there as without one', () => {
    const assignment = { '192': 0, '186': 1, '189': 2, '181': 0, '183': 1 };
    expect(unassignedPupils(pupils, assignment, 3)).toEqual([]);
    expect(unassignedPupils(pupils, assignment, 2).map((p) => p.id)).toEqual(['189']);
  });
});

describe('distributeEvenly', () => {
  it('cuts the list into runs that differ by one at most, the first ones bigger', () => {
    const two = distributeEvenly(pupils, 2);
    expect(pupils.map((p) => two[p.id])).toEqual([0, 0, 0, 1, 1]);
    const three = distributeEvenly(pupils, 3);
    expect(pupils.map((p) => three[p.id])).toEqual([0, 0, 1, 1, 2]);
    expect(unassignedPupils(pupils, three, 3)).toEqual([]);
  });

  it('copes with fewer pupils than groups', () => {
    expect(distributeEvenly(pupils.slice(0, 1), 2)).toEqual({ '192': 0 });
    expect(distributeEvenly([], 3)).toEqual({});
  });
});

describe('groupSizes', () => {
  it('counts the pupils in each group', () => {
    expect(groupSizes(pupils, { '192': 0, '186': 1, '189': 1, '181': 2 }, 3)).toEqual([1, 2, 1]);
    expect(groupSizes(pupils, { '192': 0, '186': 1, '189': 1, '181': 2 }, 2)).toEqual([1, 2]);
  });
});

describe('splitGroups', () => {
  it('gives each group its pupils and trims the names, up to the number of groups', () => {
    const drafts = [
      { name: ' 1 группа ', teacherId: '6' },
      { name: '2 группа', teacherId: '5' },
      { name: '3 группа', teacherId: '' },
    ];
    const assignment = { '192': 0, '186': 1, '189': 0, '181': 1, '183': 1 };
    expect(splitGroups(drafts, 2, pupils, assignment)).toEqual([
      { name: '1 группа', teacherId: '6', pupilIds: ['192', '189'] },
      { name: '2 группа', teacherId: '5', pupilIds: ['186', '181', '183'] },
    ]);
  });
});

describe('the class courses', () => {
  const courses = [
    { subject: { id: '4', name: 'Иностранный язык' }, teacher: { id: '6', fullName: 'Белякова' } },
    { subject: { id: '1', name: 'Алгебра' }, teacher: { id: '4', fullName: 'Петухов' } },
    // A group of an earlier split: the same subject again.
    {
      subject: { id: '4', name: 'Иностранный язык' },
      teacher: { id: '5', fullName: 'Никифорова' },
    },
  ];

  it('give each subject and each teacher once, in alphabetical order', () => {
    expect(subjectsOf(courses).map((s) => s.id)).toEqual(['1', '4']);
    expect(teachersOf(courses).map((t) => t.fullName)).toEqual([
      'Белякова',
      'Никифорова',
      'Петухов',
    ]);
    expect(subjectTeacher(courses, '4')).toBe('6');
    expect(subjectTeacher(courses, '9')).toBeUndefined();
  });
});

describe('isSplit', () => {
  it('finds a split of the subject in the period', () => {
    const splits = [{ subjectName: 'Иностранный язык', periodId: '2' }];
    expect(isSplit(splits, 'Иностранный язык', '2')).toBe(true);
    expect(isSplit(splits, 'Иностранный язык', '3')).toBe(false);
    expect(isSplit(splits, undefined, '2')).toBe(false);
  });
});

describe('splitErrors', () => {
  it("puts a group's field errors next to that group", () => {
    const errors = splitErrors(
      refused(
        fieldError('groups.1.name', 'REQUIRED', 'groups.1.name is required'),
        fieldError('groups.0.teacherId', 'NOT_A_TEACHER', 'Choose a teacher of this school'),
      ),
    );
    expect(errors.group).toEqual({
      1: { name: { key: 'errors.reason.REQUIRED' } },
      0: { teacherId: { key: 'errors.reason.NOT_A_TEACHER' } },
    });
    expect(errors.general).toBeUndefined();
  });

  it('puts the subject and period errors next to their fields', () => {
    expect(
      splitErrors(
        refused(fieldError('subjectId', 'NO_COURSE', 'The class has no course of this subject')),
      ).subjectId,
    ).toEqual({ key: 'errors.reason.NO_COURSE' });
    expect(
      splitErrors(refused(fieldError('periodId', 'SPLIT_EXISTS', 'Already split', 'CONFLICT')))
        .periodId,
    ).toEqual({ key: 'errors.reason.SPLIT_EXISTS' });
  });

  it("words repeated names as the split's problem", () => {
    const errors = splitErrors(
      refused(fieldError('groups', 'NAME_TAKEN', 'Each group needs its own name', 'CONFLICT')),
    );
    expect(errors.groups).toEqual({ key: 'subgroups.errors.sameNames' });
  });

  it("lists the pupils' problems by group", () => {
    const errors = splitErrors(
      refused({
        message: 'The split must put every pupil of the class in exactly one group',
        extensions: {
          code: 'BAD_USER_INPUT',
          reason: 'SPLIT_INVALID',
          field: 'groups',
          entries: [
            { index: 1, reason: 'PUPIL_IN_TWO_GROUPS', message: 'Pupil 186 is in two groups' },
            { index: 1, reason: 'NOT_ENROLLED', message: 'Pupil 999 is not in the class' },
            { index: -1, reason: 'PUPIL_LEFT_OUT', message: '3 pupils are in no group' },
          ],
        },
      }),
    );
    expect(errors.groups).toEqual({ key: 'errors.reason.SPLIT_INVALID' });
    expect(errors.entries).toEqual([
      { group: 1, message: { key: 'errors.reason.PUPIL_IN_TWO_GROUPS' } },
      { group: 1, message: { key: 'subgroups.errors.notInClass' } },
      { group: undefined, message: { key: 'errors.reason.PUPIL_LEFT_OUT' } },
    ]);
  });

  it('keeps a refusal of the whole as a general message', () => {
    const errors = splitErrors(
      refused({ message: 'Not found or not allowed', extensions: { code: 'NOT_FOUND' } }),
    );
    expect(errors.general).toEqual({ key: 'errors.code.NOT_FOUND' });
    expect(errors.entries).toEqual([]);
  });
});

describe('subgroupsPath', () => {
  it("is the class's subgroups page", () => {
    expect(subgroupsPath('7')).toBe('/class/7/subgroups');
  });
});

describe('changing a split', () => {
  const stored = {
    id: '9',
    groups: [
      { id: '31', name: 'Первая', teacherId: '6', pupils: [{ id: '192' }, { id: '189' }] },
      { id: '32', name: 'Вторая', teacherId: '5', pupils: [{ id: '186' }, { id: '181' }] },
    ],
  };

  it('starts from the stored groups, pupils and teachers', () => {
    expect(assignmentOf(stored)).toEqual({ '192': 0, '189': 0, '186': 1, '181': 1 });
    expect(draftsOf(stored, (n) => `${n} группа`)).toEqual([
      { name: 'Первая', teacherId: '6' },
      { name: 'Вторая', teacherId: '5' },
      { name: '3 группа', teacherId: '' },
    ]);
  });

  it('sends each stored group by id, with its pupils in list order', () => {
    const drafts = draftsOf(stored, (n) => `${n} группа`);
    drafts[1].name = ' Английский-2 ';
    const assignment = { ...assignmentOf(stored), '189': 1, '183': 0 };
    expect(changedGroups(stored, drafts, pupils, assignment)).toEqual([
      { id: '31', name: 'Первая', teacherId: '6', pupilIds: ['192', '183'] },
      { id: '32', name: 'Английский-2', teacherId: '5', pupilIds: ['186', '189', '181'] },
    ]);
  });

  it('tells which pupils the edit moves, and from where', () => {
    const original = assignmentOf(stored);
    const assignment = { ...original, '189': 1, '183': 0 };
    expect(movedFrom(original, assignment, '189')).toBe(0);
    expect(movedFrom(original, assignment, '192')).toBeUndefined();
    // A pupil new to the class was in no group: placing them is no move.
    expect(movedFrom(original, assignment, '183')).toBeUndefined();
  });
});

describe('journal entries in the way', () => {
  const hasEntries = refused({
    message: 'Pupils to move have marks or attendance in their group',
    extensions: {
      code: 'CONFLICT',
      reason: 'HAS_JOURNAL_ENTRIES',
      field: 'groups',
      entries: [
        { index: 0, reason: 'HAS_JOURNAL_ENTRIES', message: '1 pupils', pupilIds: ['192'] },
        { index: 1, reason: 'HAS_JOURNAL_ENTRIES', message: '2 pupils', pupilIds: ['186', 181] },
      ],
    },
  });

  it('names the pupils to move by their old group, and nothing else', () => {
    expect(journalConflict(hasEntries)).toEqual([
      { group: 0, pupilIds: ['192'] },
      { group: 1, pupilIds: ['186', '181'] },
    ]);
    expect(splitErrors(hasEntries)).toEqual({
      group: {},
      entries: [],
      journal: [
        { group: 0, pupilIds: ['192'] },
        { group: 1, pupilIds: ['186', '181'] },
      ],
    });
    const other = refused({ message: 'x', extensions: { code: 'CONFLICT', reason: 'NAME_TAKEN' } });
    expect(journalConflict(other)).toBeUndefined();
    expect(journalConflict(new Error('offline'))).toBeUndefined();
  });

  it('words the refusals the general dictionary does not know', () => {
    const changed = refused(
      fieldError('groups', 'GROUPS_CHANGED', 'List each group of the split once'),
    );
    expect(splitErrors(changed).groups).toEqual({ key: 'subgroups.errors.groupsChanged' });
    expect(deleteSplitError(hasEntries)).toEqual({ key: 'subgroups.errors.cannotDelete' });
    expect(
      deleteSplitError(refused({ message: 'Not found', extensions: { code: 'NOT_FOUND' } })),
    ).toEqual({ key: 'errors.code.NOT_FOUND' });
  });
});
