import { describe, expect, it } from 'vitest';
import type { FormState } from '$lib/graphql/operations.svelte';
import { kebab, namedField } from './form-context';

describe('kebab', () => {
  it('writes a field name as the forms’ ids do', () => {
    expect(kebab('shortName')).toBe('short-name');
    expect(kebab('classTeacherId')).toBe('class-teacher-id');
    expect(kebab('name')).toBe('name');
  });
});

describe('namedField', () => {
  const form = {
    fields: { shortName: { key: 'errors.reason.DUPLICATE' } },
  } as unknown as FormState;
  const context = { form, id: 'subject', labels: 'subjects' };

  it('derives the id, label, hint and message from the field’s name', () => {
    expect(namedField(context, 'shortName')).toEqual({
      id: 'subject-short-name',
      labelKey: 'subjects.shortName',
      hintKey: 'subjects.shortNameHint',
      error: { key: 'errors.reason.DUPLICATE' },
    });
  });

  it('has no message for a field the server did not name', () => {
    expect(namedField(context, 'name').error).toBeUndefined();
  });
});
