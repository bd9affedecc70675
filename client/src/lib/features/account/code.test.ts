import { describe, expect, it } from 'vitest';
import { codeCharacters, formatCode, isCompleteCode } from './code';

describe('access codes', () => {
  it('tidies a code typed in any case, with spaces or without dashes', () => {
    expect(formatCode('abcd efgh ijkl mnop')).toBe('ABCD-EFGH-IJKL-MNOP');
    expect(formatCode('ABCDEFGHJKMNPQRS')).toBe('ABCD-EFGH-JKMN-PQRS');
    expect(formatCode(' 7k2m-9xq4 - a1b2-c3d4 ')).toBe('7K2M-9XQ4-A1B2-C3D4');
    expect(formatCode('7k2m9')).toBe('7K2M-9');
  });

  it('leaves what cannot be a code as it was typed', () => {
    expect(formatCode('')).toBe('');
    expect(formatCode('  ')).toBe('');
    expect(formatCode('ABCD-EFGH-IJKL-MNOP-QRST')).toBe('ABCD-EFGH-IJKL-MNOP-QRST');
  });

  it('knows a complete code', () => {
    expect(isCompleteCode('abcd-efgh-ijkl-mnop')).toBe(true);
    expect(isCompleteCode('ABCD EFGH IJKL MNOP')).toBe(true);
    expect(isCompleteCode('ABCD-EFGH-IJKL')).toBe(false);
    expect(isCompleteCode('ABCD-EFGH-IJKL-MNO!')).toBe(false);
    expect(codeCharacters('ab-cd 12')).toBe('ABCD12');
  });
});
