import { describe, expect, it } from 'vitest';
import { attendanceKeys, isScaleMark, keyAction, type KeyContext } from './keys';

const codes = [
  { id: '1', code: 'Н' },
  { id: '2', code: 'Б' },
  { id: '3', code: 'П' },
  { id: '4', code: 'О' },
];
const context: KeyContext = { scaleMin: 1, scaleMax: 5, codes, adding: false, typed: '' };
const press = (key: string, extra: Partial<KeyContext> = {}, shiftKey = false) =>
  keyAction({ key, shiftKey }, { ...context, ...extra });

describe('keyAction', () => {
  it('moves like a spreadsheet', () => {
    expect(press('ArrowUp')).toEqual({ kind: 'move', rows: -1, cols: 0 });
    expect(press('ArrowDown')).toEqual({ kind: 'move', rows: 1, cols: 0 });
    expect(press('ArrowLeft')).toEqual({ kind: 'move', rows: 0, cols: -1 });
    expect(press('ArrowRight')).toEqual({ kind: 'move', rows: 0, cols: 1 });
    expect(press('Tab')).toEqual({ kind: 'move', rows: 0, cols: 1, tab: true });
    expect(press('Tab', {}, true)).toEqual({ kind: 'move', rows: 0, cols: -1, tab: true });
    expect(press('Enter')).toEqual({ kind: 'move', rows: 1, cols: 0 });
    expect(press('Enter', {}, true)).toEqual({ kind: 'move', rows: -1, cols: 0 });
    expect(press('Home')).toEqual({ kind: 'edge', to: 'start' });
    expect(press('End')).toEqual({ kind: 'edge', to: 'end' });
  });

  it('sets a mark within the scale, replacing the last one unless «+» came first', () => {
    expect(press('5')).toEqual({ kind: 'mark', value: '5', add: false });
    expect(press('1')).toEqual({ kind: 'mark', value: '1', add: false });
    expect(press('+')).toEqual({ kind: 'startAdd' });
    expect(press('4', { adding: true })).toEqual({ kind: 'mark', value: '4', add: true });
  });

  it('refuses digits outside the scale', () => {
    expect(press('6')).toEqual({ kind: 'invalidMark', typed: '6' });
    expect(press('0')).toEqual({ kind: 'invalidMark', typed: '0' });
    expect(press('0', { scaleMin: 0 })).toEqual({ kind: 'mark', value: '0', add: false });
  });

  it('joins two digits into one mark on a wider scale', () => {
    const tenPoint = { scaleMax: 10 };
    expect(press('0', { ...tenPoint, typed: '1' })).toEqual({
      kind: 'mark',
      value: '10',
      add: false,
    });
    // 54 is no mark: the second digit replaces the first.
    expect(press('4', { typed: '5' })).toEqual({ kind: 'mark', value: '4', add: false });
    // After «+» the digit starts a new mark even right after another one.
    expect(press('0', { ...tenPoint, typed: '1', adding: true })).toEqual({
      kind: 'invalidMark',
      typed: '0',
    });
  });

  it('sets attendance codes by their letter, Cyrillic or Latin, in either case', () => {
    expect(press('н')).toEqual({ kind: 'attendance', codeId: '1' });
    expect(press('Н')).toEqual({ kind: 'attendance', codeId: '1' });
    expect(press('n')).toEqual({ kind: 'attendance', codeId: '1' });
    expect(press('б')).toEqual({ kind: 'attendance', codeId: '2' });
    expect(press('B')).toEqual({ kind: 'attendance', codeId: '2' });
    expect(press('p')).toEqual({ kind: 'attendance', codeId: '3' });
    expect(press('о')).toEqual({ kind: 'attendance', codeId: '4' });
    expect(press('o')).toEqual({ kind: 'attendance', codeId: '4' });
    expect(press('x')).toEqual({ kind: 'none' });
    expect(press('н', { codes: [] })).toEqual({ kind: 'none' });
  });

  it('opens the history with H on either layout, unless an attendance code has the letter', () => {
    expect(press('h')).toEqual({ kind: 'history' });
    expect(press('р')).toEqual({ kind: 'history' });
    expect(keyAction({ key: 'H', code: 'KeyH', shiftKey: true }, context)).toEqual({
      kind: 'history',
    });
    const withX = [...codes, { id: '9', code: 'Х' }];
    expect(press('h', { codes: withX })).toEqual({ kind: 'attendance', codeId: '9' });
    expect(keyAction({ key: 'h', code: 'KeyH', ctrlKey: true }, context)).toEqual({
      kind: 'none',
    });
  });

  it('removes and cancels', () => {
    expect(press('Delete')).toEqual({ kind: 'remove' });
    expect(press('Backspace')).toEqual({ kind: 'remove' });
    expect(press('Escape')).toEqual({ kind: 'cancel' });
  });

  it('leaves shortcuts with modifiers and unknown keys to the browser', () => {
    expect(keyAction({ key: 'r', ctrlKey: true }, context)).toEqual({ kind: 'none' });
    expect(keyAction({ key: '5', metaKey: true }, context)).toEqual({ kind: 'none' });
    expect(keyAction({ key: 'ArrowDown', altKey: true }, context)).toEqual({ kind: 'none' });
    expect(press('F5')).toEqual({ kind: 'none' });
    expect(press(' ')).toEqual({ kind: 'none' });
  });
});

describe('attendanceKeys', () => {
  it('maps the first letter and its Latin look-alike; the first code keeps a shared key', () => {
    const keys = attendanceKeys([...codes, { id: '5', code: 'Нб' }, { id: '6', code: ' ' }]);
    expect(keys.get('н')).toBe('1');
    expect(keys.get('n')).toBe('1');
    expect(keys.get('b')).toBe('2');
    expect([...keys.values()]).not.toContain('5');
    expect([...keys.values()]).not.toContain('6');
  });
});

describe('isScaleMark', () => {
  it('accepts whole numbers inside the scale only', () => {
    expect(isScaleMark('3', 1, 5)).toBe(true);
    expect(isScaleMark('05', 1, 5)).toBe(false);
    expect(isScaleMark('12', 1, 12)).toBe(true);
    expect(isScaleMark('13', 1, 12)).toBe(false);
    expect(isScaleMark('', 1, 5)).toBe(false);
  });
});
