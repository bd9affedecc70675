import type { DescribedError } from '$lib/graphql/errors';
import { byText } from '$lib/format';

/** Whether a query about the class in the address failed because there is no such class. */
export function classMissing(error: DescribedError | undefined): boolean {
  return (
    error?.code === 'NOT_FOUND' ||
    (error?.code === 'BAD_USER_INPUT' && 'classGroupId' in error.fields)
  );
}

/** Classes in the school's order: by grade, then by letter (5А, 5Б, 6А). */
export function byGradeAndLetter(
  a: { grade: number; letter: string },
  b: { grade: number; letter: string },
): number {
  return a.grade - b.grade || byText(a.letter, b.letter);
}
