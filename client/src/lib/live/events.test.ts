import { describe, expect, it } from 'vitest';
import { backoffDelay, BACKOFF_MAX_MS } from './backoff';
import { compareIds, parseLiveEvent, type RawLiveEvent } from './events';
import { liveEvent, markSaved, SAMPLE_AT, sampleAttendance, sampleMark } from './events.fixtures';
import type { LiveEventType } from '../graphql/generated/enums';
import { failureOf, failureOfErrors } from './socket';

const raw = (
  type: LiveEventType,
  payload: unknown,
  courseId: string | null = '62',
): RawLiveEvent => ({
  id: '15',
  type,
  courseId,
  payload: JSON.stringify(payload),
  at: SAMPLE_AT,
});

describe('compareIds', () => {
  it('orders ids as numbers, however long', () => {
    expect(compareIds('9', '10')).toBeLessThan(0);
    expect(compareIds('10', '9')).toBeGreaterThan(0);
    expect(compareIds('123', '123')).toBe(0);
    expect(compareIds('9223372036854775806', '9223372036854775807')).toBeLessThan(0);
    expect(compareIds('007', '7')).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('doubles from a second up to half a minute', () => {
    const full = () => 0.999999;
    const schedule = [0, 1, 2, 3, 4, 5, 6, 12].map((n) => backoffDelay(n, full));
    expect(schedule).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('shortens each wait by up to a quarter at random', () => {
    expect(backoffDelay(0, () => 0)).toBe(750);
    expect(backoffDelay(3, () => 0.5)).toBe(7000);
    expect(backoffDelay(20, () => 0)).toBe(BACKOFF_MAX_MS * 0.75);
  });
});

describe('parseLiveEvent', () => {
  it('reads a saved mark', () => {
    expect(parseLiveEvent(raw('MARK_SAVED', sampleMark))).toEqual(liveEvent('15', markSaved(1)));
  });

  it('reads the other kinds, numbers as ids included', () => {
    expect(
      parseLiveEvent(raw('MARK_REMOVED', { markId: 501, lessonId: '77', pupilId: '181' }))?.change,
    ).toEqual({ type: 'MARK_REMOVED', markId: '501', lessonId: '77', pupilId: '181' });
    expect(parseLiveEvent(raw('ATTENDANCE_SAVED', sampleAttendance))?.change).toMatchObject({
      type: 'ATTENDANCE_SAVED',
      attendance: { codeId: null, version: 2 },
    });
    expect(
      parseLiveEvent(
        raw('LESSON_UPDATED', {
          id: '77',
          date: '2026-11-27',
          number: 3,
          topic: 'Многочлены',
          homework: '№ 101',
          note: null,
          cancelled: false,
          substituteId: null,
          version: 4,
        }),
      )?.change,
    ).toMatchObject({ type: 'LESSON_UPDATED', lesson: { id: '77', topic: 'Многочлены' } });
    expect(
      parseLiveEvent(
        raw('PERIOD_MARK_SAVED', {
          courseId: '62',
          pupilId: '181',
          periodId: '2',
          value: null,
          version: 3,
        }),
      )?.change,
    ).toEqual({
      type: 'PERIOD_MARK_SAVED',
      periodMark: { courseId: '62', pupilId: '181', periodId: '2', value: null, version: 3 },
    });
  });

  it('leaves out unknown types and payloads of the wrong shape', () => {
    expect(parseLiveEvent(raw('SESSION_REVOKED', { sessionId: 1 }))).toBeUndefined();
    expect(parseLiveEvent(raw('MARK_SAVED', { id: '1', value: '5' }))).toBeUndefined();
    expect(parseLiveEvent({ ...raw('MARK_SAVED', {}), payload: 'not json' })).toBeUndefined();
    expect(parseLiveEvent(raw('MARK_REMOVED', [1, 2]))).toBeUndefined();
  });
});

describe('failures of a subscription', () => {
  const error = (code: string) => ({ message: code, extensions: { code } });

  it('tells a resync, a lost session and a refusal from trouble worth retrying', () => {
    expect(failureOfErrors([error('RESYNC_REQUIRED')])).toBe('resync');
    expect(failureOfErrors([error('UNAUTHENTICATED')])).toBe('unauthenticated');
    expect(failureOfErrors([error('NOT_FOUND')])).toBe('refused');
    expect(failureOfErrors([{ message: 'Cannot query field' }])).toBe('refused');
    expect(failureOfErrors([error('INTERNAL_SERVER_ERROR')])).toBe('server');
  });

  it('retries after a closed socket unless the session ended', () => {
    expect(failureOf({ code: 1006, reason: '' })).toBe('network');
    expect(failureOf({ code: 4499, reason: 'Terminated' })).toBe('network');
    expect(failureOf({ code: 4401, reason: 'Session ended' })).toBe('unauthenticated');
    expect(failureOf(new Event('error'))).toBe('network');
    expect(failureOf([error('RESYNC_REQUIRED')])).toBe('resync');
  });
});
