import { describe, expect, it } from 'vitest';
import { appendPage, isKnownField, logPath, parseLogFilter } from './pd-log';

describe('personal data log', () => {
  it('keeps the filter in the address', () => {
    expect(logPath()).toBe('/admin/personal-data-log');
    expect(logPath({ reader: '12' })).toBe('/admin/personal-data-log?reader=12');
    expect(logPath({ reader: '12', subject: '181' })).toBe(
      '/admin/personal-data-log?reader=12&subject=181',
    );
    expect(parseLogFilter(new URLSearchParams('reader=12&subject=x'))).toEqual({
      reader: '12',
      subject: null,
    });
  });

  it('adds a page without repeating rows', () => {
    expect(appendPage([{ id: '3' }, { id: '2' }], [{ id: '2' }, { id: '1' }])).toEqual([
      { id: '3' },
      { id: '2' },
      { id: '1' },
    ]);
  });

  it('knows the fields it translates', () => {
    expect(isKnownField('phone')).toBe(true);
    expect(isKnownField('password')).toBe(false);
  });
});
