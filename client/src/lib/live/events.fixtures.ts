// Sample live events for unit tests: one saved mark as the server sends it, in course 62.
import type { LiveAttendance, LiveChange, LiveEvent, LiveMark } from './events';

export const SAMPLE_AT = '2026-11-27T09:30:00.000Z';

/** A «5» for pupil 181 in lesson 77, first saved (version 1). */
export const sampleMark: LiveMark = {
  id: '501',
  lessonId: '77',
  pupilId: '181',
  value: '5',
  score: 5,
  workTypeId: '3',
  comment: null,
  version: 1,
  date: '2026-11-27',
};

/** Pupil 181's absence in lesson 77 cleared (no code), second version. */
export const sampleAttendance: LiveAttendance = {
  id: '9',
  lessonId: '77',
  pupilId: '181',
  codeId: null,
  reason: null,
  version: 2,
  date: '2026-11-27',
};

export const markSaved = (version = 1): LiveChange => ({
  type: 'MARK_SAVED',
  mark: { ...sampleMark, version },
});

export const liveEvent = (id: string, change: LiveChange): LiveEvent => ({
  id,
  at: SAMPLE_AT,
  courseId: '62',
  change,
});
