import { describe, expect, it } from 'vitest';
import { actionKey, describeChange, formatMoment, parseSnapshot } from './history';
import { HistoryAction } from '../../graphql/generated/enums';

const names = new Map([
  ['1', 'Ответ на уроке'],
  ['2', 'Контрольная работа'],
]);
const typeName = (id: string) => names.get(id);

describe('parseSnapshot', () => {
  it('reads the JSON the server sends, its ids as numbers or strings', () => {
    expect(parseSnapshot('{"value":"5","workTypeId":1,"comment":null}')).toEqual({
      value: '5',
      workTypeId: '1',
      comment: null,
    });
    expect(parseSnapshot('{"value":"зч","workTypeId":"2","comment":" у доски "}')).toEqual({
      value: 'зч',
      workTypeId: '2',
      comment: 'у доски',
    });
  });

  it('takes none, broken JSON and records without a value for nothing', () => {
    expect(parseSnapshot(null)).toBeNull();
    expect(parseSnapshot('')).toBeNull();
    expect(parseSnapshot('{"value":')).toBeNull();
    expect(parseSnapshot('"5"')).toBeNull();
    expect(parseSnapshot('{"codeId":3}')).toBeNull();
  });
});

describe('actionKey', () => {
  it('names the actions of a mark', () => {
    expect(actionKey(HistoryAction.CREATE)).toBe('journal.history.action.create');
    expect(actionKey(HistoryAction.UPDATE)).toBe('journal.history.action.update');
    expect(actionKey(HistoryAction.REMOVE)).toBe('journal.history.action.remove');
    expect(new Set(Object.values(HistoryAction).map(actionKey)).size).toBe(3);
  });
});

describe('describeChange', () => {
  const five = { value: '5', workTypeId: '1', comment: null };

  it('shows the work type of a mark that appears or goes', () => {
    expect(describeChange(null, five, typeName)).toEqual({
      before: null,
      after: '5 (Ответ на уроке)',
    });
    expect(describeChange(five, null, typeName)).toEqual({
      before: '5 (Ответ на уроке)',
      after: null,
    });
  });

  it('shows only the value when only the value changed', () => {
    expect(describeChange(five, { ...five, value: '4' }, typeName)).toEqual({
      before: '5',
      after: '4',
    });
  });

  it('shows the types when the type changed, and a comment that changed', () => {
    expect(describeChange(five, { ...five, workTypeId: '2' }, typeName)).toEqual({
      before: '5 (Ответ на уроке)',
      after: '5 (Контрольная работа)',
    });
    expect(describeChange(five, { ...five, comment: 'у доски' }, typeName)).toEqual({
      before: '5',
      after: '5 «у доски»',
    });
  });

  it('leaves out a work type it does not know', () => {
    expect(describeChange(null, { ...five, workTypeId: '9' }, typeName).after).toBe('5');
  });
});

describe('formatMoment', () => {
  it('gives date and time, and keeps what it cannot read', () => {
    expect(formatMoment('2026-11-28T10:05:00.000Z', 'ru')).toMatch(/^28\.11\.2026, \d\d:\d\d$/);
    expect(formatMoment('soon', 'ru')).toBe('soon');
  });
});
