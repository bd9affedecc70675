import { describe, expect, it } from 'vitest';
import { buildWeekGrid, cellKey, coversYear, placedHours, type Slot } from './grid';

const slot = (
  id: string,
  weekday: number,
  lessonNumber: number,
  from = '2026-09-01',
  to = '2027-05-31',
): Slot => ({
  id,
  weekday,
  lessonNumber,
  validFrom: from,
  validTo: to,
});

const algebra = { id: '62', name: 'Алгебра' };
const english = { id: '61', name: 'Английский' };

describe('buildWeekGrid', () => {
  it('shows Monday to Saturday and lessons 1 to 8 for an empty timetable', () => {
    const grid = buildWeekGrid([]);
    expect(grid.days).toEqual([1, 2, 3, 4, 5, 6]);
    expect(grid.lessons).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(grid.cells.size).toBe(0);
  });

  it("puts each course's slots in their cells", () => {
    const grid = buildWeekGrid([
      { course: algebra, slots: [slot('1', 1, 5), slot('2', 3, 6)] },
      { course: english, slots: [slot('3', 1, 1)] },
    ]);
    expect(grid.cells.get(cellKey(1, 5))).toEqual([{ slot: slot('1', 1, 5), course: algebra }]);
    expect(grid.cells.get(cellKey(3, 6))?.[0].course).toBe(algebra);
    expect(grid.cells.get(cellKey(1, 1))?.[0].course).toBe(english);
    expect(grid.cells.get(cellKey(2, 1))).toBeUndefined();
  });

  it('keeps slots of one cell in date order', () => {
    const grid = buildWeekGrid([
      { course: algebra, slots: [slot('2', 2, 3, '2027-01-12', '2027-05-31')] },
      { course: english, slots: [slot('1', 2, 3, '2026-09-01', '2026-12-29')] },
    ]);
    expect(grid.cells.get(cellKey(2, 3))?.map((entry) => entry.slot.id)).toEqual(['1', '2']);
  });

  it('adds Sunday, lesson 0 and late lessons only when a slot uses them', () => {
    const grid = buildWeekGrid([{ course: algebra, slots: [slot('1', 7, 0), slot('2', 4, 10)] }]);
    expect(grid.days).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(grid.lessons).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 10]);
  });
});

describe('coversYear', () => {
  const year = { startsOn: '2026-09-01', endsOn: '2027-05-31' };

  it('tells a whole-year slot from one for part of the year', () => {
    expect(coversYear(slot('1', 1, 1), year)).toBe(true);
    expect(coversYear(slot('1', 1, 1, '2026-09-01', '2026-12-29'), year)).toBe(false);
    expect(coversYear(slot('1', 1, 1, '2026-11-05'), year)).toBe(false);
  });
});

describe('placedHours', () => {
  it('counts the slots in force on the day', () => {
    const slots = [
      slot('1', 1, 1),
      slot('2', 2, 1, '2026-09-01', '2026-12-29'),
      slot('3', 3, 1, '2027-01-12', '2027-05-31'),
    ];
    expect(placedHours(slots, '2026-11-28')).toBe(2);
    expect(placedHours(slots, '2027-02-01')).toBe(2);
    expect(placedHours(slots, '2026-12-29')).toBe(2);
    expect(placedHours([], '2026-11-28')).toBe(0);
  });
});
