import { beforeEach, describe, expect, it } from 'vitest';
import {
  GridKeyboard,
  type Cursor,
  type GridEdits,
  type GridPage,
  type Position,
} from './keyboard';

const TODAY = '2026-11-27';
const always = [{ from: '2026-09-01', to: null }];

/** Two pupils (the second joined on the 20th), three lessons: held, cancelled, tomorrow. */
function page(over: Partial<GridPage> = {}): GridPage {
  return {
    pupils: [
      { id: 'p1', enrolled: always },
      { id: 'p2', enrolled: [{ from: '2026-11-20', to: null }] },
    ],
    lessons: [
      { id: 'l1', date: '2026-11-16', cancelled: false },
      { id: 'l2', date: '2026-11-23', cancelled: true },
      { id: 'l3', date: '2026-11-28', cancelled: false },
    ],
    canWrite: true,
    writableLessonIds: new Set(['l1', 'l2', 'l3']),
    locked: false,
    startsOn: '2026-11-05',
    endsOn: '2026-12-28',
    today: TODAY,
    scaleMin: 1,
    scaleMax: 10,
    codes: [
      { id: 'n', code: 'Н' },
      { id: 'b', code: 'Б' },
    ],
    workTypeId: 'w1',
    ...over,
  };
}

let calls: string[];
let conflicted: Set<string>;
let cursor: Cursor;
let now: number;
let current: GridPage;
let keyboard: GridKeyboard;

const edits: GridEdits = {
  sync: {
    canEdit: (p, l) => !conflicted.has(`${p}:${l}`),
    setMark: (p, l, value, w) => calls.push(`set ${p}:${l} ${value} ${w}`),
    addMark: (p, l, value, w) => calls.push(`add ${p}:${l} ${value} ${w}`),
    setAttendance: (p, l, code) => calls.push(`code ${p}:${l} ${code}`),
    removeLast: (p, l) => calls.push(`remove ${p}:${l}`),
  },
  finalSync: {
    canEdit: () => true,
    set: (p, value) => calls.push(`final ${p} ${value}`),
  },
};

beforeEach(() => {
  calls = [];
  conflicted = new Set();
  now = 0;
  current = page();
  cursor = { active: { row: 0, col: 0 }, adding: false, hint: undefined };
  keyboard = new GridKeyboard(
    cursor,
    () => current,
    edits,
    () => now,
  );
});

const hint = () => (cursor.hint && 'key' in cursor.hint ? cursor.hint.key : cursor.hint);

describe('GridKeyboard', () => {
  it.each<[Position, string, Position]>([
    [{ row: 0, col: 0 }, 'ArrowUp', { row: -1, col: 0 }],
    [{ row: 1, col: 2 }, 'ArrowDown', { row: 1, col: 2 }],
    [{ row: 0, col: 2 }, 'ArrowRight', { row: 0, col: 3 }],
    [{ row: 1, col: 1 }, 'End', { row: 1, col: 3 }],
    [{ row: 0, col: 1 }, 'Enter', { row: 1, col: 1 }],
  ])(
    'moves within the grid, up to the row of dates and over to «Итог»: %o, %s',
    (from, key, to) => {
      expect(keyboard.press(from, { key })).toEqual({ kind: 'focus', to });
    },
  );

  it('lets Tab leave the grid at either end', () => {
    expect(keyboard.press({ row: 0, col: 3 }, { key: 'Tab' })).toEqual({ kind: 'pass' });
    expect(keyboard.press({ row: 0, col: 0 }, { key: 'Tab', shiftKey: true })).toEqual({
      kind: 'pass',
    });
    expect(keyboard.press({ row: 0, col: 0 }, { key: 'Tab' }).kind).toBe('focus');
  });

  it('opens a lesson from its date, but not «Итог»', () => {
    expect(keyboard.press({ row: -1, col: 1 }, { key: 'Enter' })).toEqual({
      kind: 'openLesson',
      col: 1,
    });
    expect(keyboard.press({ row: -1, col: 3 }, { key: ' ' })).toEqual({ kind: 'done' });
    expect(hint()).toBe('journal.finalMark.header');
    keyboard.press({ row: -1, col: 0 }, { key: '5' });
    expect(hint()).toBe('journal.blocked.header');
    expect(calls).toEqual([]);
  });

  it('writes marks and absences with the chosen work type, 1 then 0 making 10', () => {
    keyboard.press({ row: 0, col: 0 }, { key: '1' });
    now = 500;
    keyboard.press({ row: 0, col: 0 }, { key: '0' });
    now = 2000;
    keyboard.press({ row: 0, col: 0 }, { key: '+' });
    expect(cursor.adding).toBe(true);
    keyboard.press({ row: 0, col: 0 }, { key: '4' });
    expect(cursor.adding).toBe(false);
    keyboard.press({ row: 0, col: 0 }, { key: 'б' });
    keyboard.press({ row: 0, col: 0 }, { key: 'Delete' });
    expect(calls).toEqual([
      'set p1:l1 1 w1',
      'set p1:l1 10 w1',
      'add p1:l1 4 w1',
      'code p1:l1 b',
      'remove p1:l1',
    ]);
    expect(cursor.hint).toBeUndefined();
  });

  it('does not join digits typed a second apart or in another cell', () => {
    keyboard.press({ row: 0, col: 0 }, { key: '1' });
    now = 1500;
    keyboard.press({ row: 0, col: 0 }, { key: '0' });
    expect(calls).toEqual(['set p1:l1 1 w1']);
    expect(keyboard.press({ row: 0, col: 0 }, { key: '0' })).toEqual({ kind: 'outOfScale' });
  });

  it('says why a cell is closed: cancelled, future, not enrolled, locked, in conflict', () => {
    keyboard.press({ row: 0, col: 1 }, { key: '5' });
    expect(hint()).toBe('journal.blocked.cancelled');
    keyboard.press({ row: 0, col: 2 }, { key: '5' });
    expect(hint()).toBe('journal.blocked.future');
    keyboard.press({ row: 1, col: 0 }, { key: '5' });
    expect(hint()).toBe('journal.blocked.outside');
    conflicted.add('p1:l1');
    keyboard.press({ row: 0, col: 0 }, { key: '5' });
    expect(hint()).toBe('journal.blocked.conflict');
    current = page({ locked: true });
    keyboard.press({ row: 0, col: 0 }, { key: 'Delete' });
    expect(hint()).toBe('journal.blocked.locked');
    current = page({ canWrite: false });
    keyboard.press({ row: 0, col: 0 }, { key: '+' });
    expect(hint()).toBe('journal.blocked.readOnly');
    expect(cursor.adding).toBe(false);
    expect(calls).toEqual([]);
  });

  it('records no absence in a remote lesson (a cancelled day), but marks as usual', () => {
    current = page({ remoteLessonIds: new Set(['l1']) });
    keyboard.setAttendance('n');
    expect(hint()).toBe('errors.reason.REMOTE_STUDY_DAY');
    keyboard.setMark('5', false);
    expect(calls).toEqual(['set p1:l1 5 w1']);
  });

  it('lets a substitute write only in the lessons substituted', () => {
    current = page({ writableLessonIds: new Set(['l3']) });
    keyboard.press({ row: 0, col: 0 }, { key: '5' });
    expect(hint()).toBe('journal.blocked.readOnly');
    keyboard.press({ row: 0, col: 0 }, { key: 'н' });
    expect(hint()).toBe('journal.blocked.readOnly');
    expect(calls).toEqual([]);
    current = page({ writableLessonIds: new Set(['l1']) });
    keyboard.press({ row: 0, col: 0 }, { key: '5' });
    expect(hint()).toBeUndefined();
    expect(calls).toHaveLength(1);
  });

  it('sets and withdraws the period mark in «Итог», which takes one mark and no absence', () => {
    keyboard.press({ row: 0, col: 3 }, { key: '8' });
    keyboard.press({ row: 0, col: 3 }, { key: '+' });
    expect(hint()).toBe('journal.finalMark.single');
    keyboard.press({ row: 0, col: 3 }, { key: 'н' });
    expect(hint()).toBe('journal.finalMark.noAttendance');
    keyboard.notAssessed();
    keyboard.press({ row: 0, col: 3 }, { key: 'Backspace' });
    expect(calls).toEqual(['final p1 8', 'final p1 н/а', 'final p1 null']);
  });

  it('keeps «н/а» for «Итог» and «+» as a toggle on the palette', () => {
    keyboard.notAssessed();
    expect(hint()).toBe('journal.finalMark.onlyFinal');
    keyboard.toggleAdding();
    expect(cursor.adding).toBe(true);
    keyboard.toggleAdding();
    expect(cursor.adding).toBe(false);
  });

  it('forgets «+» and the hint on moving to another cell, and on Escape', () => {
    keyboard.press({ row: 0, col: 0 }, { key: '+' });
    keyboard.press({ row: 0, col: 0 }, { key: 'Escape' });
    expect(cursor.adding).toBe(false);
    keyboard.press({ row: 0, col: 1 }, { key: '5' });
    expect(hint()).toBe('journal.blocked.cancelled');
    keyboard.settle({ row: 0, col: 0 });
    expect(cursor.hint).toBeUndefined();
    expect(cursor.active).toEqual({ row: 0, col: 0 });
  });

  it('leaves shortcuts with Ctrl to the browser and asks for the history on H', () => {
    expect(keyboard.press({ row: 0, col: 0 }, { key: 'c', ctrlKey: true })).toEqual({
      kind: 'pass',
    });
    expect(keyboard.press({ row: 0, col: 0 }, { key: 'h', code: 'KeyH' })).toEqual({
      kind: 'history',
    });
  });
});
