import type { AnnouncementTargetsQuery } from '$lib/graphql/generated/graphql';

type Target = AnnouncementTargetsQuery['announcementTargets'][number];

/** A target's value in the audience select: audience, class and grade in one string. */
export const targetKey = (t: Target) => `${t.audience}:${t.classGroupId ?? ''}:${t.grade ?? ''}`;

/** The input's audience fields for a select value. */
export function targetInput(key: string) {
  const [audience, classGroupId, grade] = key.split(':');
  return {
    audience: audience as Target['audience'],
    classGroupId: classGroupId || null,
    grade: grade ? Number(grade) : null,
  };
}

/** The dictionary key and values naming an audience («Родители 7А», «Все сотрудники»). */
export function audienceLabel(t: Pick<Target, 'audience' | 'className' | 'grade'>) {
  return {
    key: `announcements.audience.${t.audience}`,
    values: { class: t.className ?? '', grade: t.grade ?? '' },
  };
}

export const TITLE_MAX = 200;
export const BODY_MAX = 4000;
/** Events that change the announcements list. */
export const ANNOUNCEMENT_EVENTS = [
  'ANNOUNCEMENT_POSTED',
  'ANNOUNCEMENT_REMINDER',
  'ANNOUNCEMENT_ACKNOWLEDGED',
];
