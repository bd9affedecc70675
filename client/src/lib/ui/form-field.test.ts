import { describe, expect, it } from 'vitest';
import { controlTestId, describedBy, lengthOf } from './form-field';

describe('describedBy', () => {
  it('names the error rather than the hint, and the counter after it', () => {
    expect(describedBy('topic', { error: true, hint: true, counter: true })).toBe(
      'topic-error topic-count',
    );
  });

  it('names the hint when there is no error', () => {
    expect(describedBy('phone', { error: false, hint: true, counter: false })).toBe('phone-hint');
  });

  it('keeps the texts the form adds, such as a strength meter', () => {
    expect(describedBy('pw', { error: false, hint: false, counter: false }, 'pw-strength')).toBe(
      'pw-strength',
    );
  });

  it('is absent when nothing describes the field', () => {
    expect(describedBy('name', { error: false, hint: false, counter: false })).toBeUndefined();
  });
});

describe('controlTestId', () => {
  it('follows the forms’ naming of selects and other controls', () => {
    expect(controlTestId('course-class', 'select')).toBe('course-class-select');
    expect(controlTestId('lesson-homework', 'textarea')).toBe('lesson-homework-input');
  });
});

describe('lengthOf', () => {
  it('counts the trimmed text as the server does and says by how many it is over', () => {
    expect(lengthOf('тема', 3)).toEqual({ count: 4, over: 1 });
    expect(lengthOf('  тема\n', 4)).toEqual({ count: 4, over: 0 });
  });

  it('counts nothing for an empty value', () => {
    expect(lengthOf(null, 10)).toEqual({ count: 0, over: 0 });
  });
});
