import { describe, expect, it } from 'vitest';
import { hourText, scheduleWords, specInput, weekdayName } from './views';
import type { ReportViewFieldsFragment } from '../../graphql/generated/graphql';

describe('specInput', () => {
  it('gives back the question without type names or empty filter parts', () => {
    const saved = {
      __typename: 'SavedReportSpec',
      rows: ['CLASS_GROUP'],
      columns: null,
      measures: ['MARK_COUNT'],
      filters: [
        {
          __typename: 'ReportFilter',
          dimension: 'ACADEMIC_YEAR',
          equals: '3',
          in: null,
          from: null,
          to: null,
        },
        {
          __typename: 'ReportFilter',
          dimension: 'CLASS_GROUP',
          equals: null,
          in: ['1', '2'],
          from: null,
          to: null,
        },
      ],
      sort: [],
      limit: null,
    } as unknown as ReportViewFieldsFragment['spec'];
    expect(specInput(saved)).toEqual({
      rows: ['CLASS_GROUP'],
      columns: null,
      measures: ['MARK_COUNT'],
      filters: [
        { dimension: 'ACADEMIC_YEAR', equals: '3' },
        { dimension: 'CLASS_GROUP', in: ['1', '2'] },
      ],
      sort: [],
      limit: null,
    });
  });
});

describe('schedules in words', () => {
  it('names ISO weekdays from Monday in either language', () => {
    expect(weekdayName(1, 'ru')).toBe('понедельник');
    expect(weekdayName(7, 'en')).toBe('Sunday');
    expect(weekdayName(3, 'en', 'short')).toBe('Wed');
  });

  it('says nothing for an unscheduled view, and when a scheduled one is sent', () => {
    expect(scheduleWords({ frequency: 'OFF', day: null, hour: null }, 'ru')).toBeNull();
    expect(scheduleWords({ frequency: 'WEEKLY', day: 1, hour: 8 }, 'ru')).toEqual({
      key: 'reports.views.schedule.weeklyAt',
      values: { day: 'пн', time: '08:00' },
    });
    expect(scheduleWords({ frequency: 'MONTHLY', day: 31, hour: 0 }, 'en')).toEqual({
      key: 'reports.views.schedule.monthlyAt',
      values: { day: 31, time: '00:00' },
    });
    expect(hourText(23)).toBe('23:00');
  });
});
