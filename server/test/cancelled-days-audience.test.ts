import { describe, expect, it } from 'vitest';
import { notificationsAllow, type FeedRights } from '../src/events/audience.js';

/**
 * A school-wide event (a cancelled day) names ~1,000 pupils and is checked for every family's
 * feed: the check asks a Set made once per event (events/audience.ts). Same answers as a scan.
 */
const rights = (ownPupils: number[], courses: number[] = []): FeedRights => ({
  personId: 1,
  ownPupils: new Set(ownPupils),
  courses: new Set(courses),
});

describe('notificationsAllow', () => {
  it('answers as a scan would, for short and school-wide lists of pupils', () => {
    const wide = {
      pupilIds: Array.from({ length: 1080 }, (_, i) => 1000 + i),
      courseId: null,
      personIds: null,
    };
    const short = { pupilIds: [5, 6, 7], courseId: 40, personIds: null };
    for (const e of [wide, short]) {
      for (const own of [[1000], [2079], [5], [7, 3000], [999], [2080], []]) {
        const scan = e.pupilIds.some((p) => own.includes(p));
        expect(notificationsAllow(rights(own), e), `${own}`).toBe(scan);
        // Asked again for the same event (its Set is kept): the same answer.
        expect(notificationsAllow(rights(own), e)).toBe(scan);
      }
    }
    expect(notificationsAllow(rights([], [40]), short)).toBe(true);
    expect(notificationsAllow(rights([], [41]), short)).toBe(false);
    expect(
      notificationsAllow(rights([1]), { pupilIds: null, courseId: null, personIds: [1] }),
    ).toBe(false);
  });
});
