import { describe, expect, it } from 'vitest';
import { fileKind, formatSize, refusalOf } from './attachments';
import { awayMembers, highlight, snippet } from './messages';

describe('attachments', () => {
  it('turns the server’s typed refusals into the user’s messages', () => {
    const body = (extensions: Record<string, unknown>) => ({ errors: [{ extensions }] });
    expect(
      refusalOf(413, body({ code: 'PAYLOAD_TOO_LARGE', limitBytes: 10 * 1024 * 1024 }), 'ru'),
    ).toEqual({ key: 'FILE_TOO_LARGE', values: { limit: '10 МБ' } });
    expect(
      refusalOf(415, body({ code: 'BAD_USER_INPUT', reason: 'UNSUPPORTED_TYPE' }), 'en'),
    ).toEqual({ key: 'UNSUPPORTED_TYPE' });
    expect(refusalOf(429, body({ code: 'RATE_LIMITED', retryAfterSeconds: 130 }), 'en')).toEqual({
      key: 'RATE_LIMITED',
      values: { minutes: 3 },
    });
    expect(refusalOf(400, body({ reason: 'TOO_MANY' }), 'en')).toEqual({ key: 'TOO_MANY' });
    expect(refusalOf(500, undefined, 'en')).toEqual({ key: 'FAILED' });
  });

  it('names sizes and kinds', () => {
    expect(formatSize(512, 'en')).toBe('512 B');
    expect(formatSize(2.5 * 1024 * 1024, 'ru')).toBe('2,5 МБ');
    expect(fileKind('image/png')).toBe('image');
    expect(fileKind('application/pdf')).toBe('pdf');
    expect(fileKind('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe(
      'sheet',
    );
    expect(fileKind('application/msword')).toBe('doc');
  });
});

describe('search and quiet hours', () => {
  it('marks the searched words, also in other forms of a Russian word', () => {
    expect(highlight('Контрольная работа в среду', 'контрольной')).toEqual([
      { text: 'Контрольная', hit: true },
      { text: ' работа в среду', hit: false },
    ]);
    // The dot is a dot, not any character.
    expect(highlight('ab', 'a.')).toEqual([{ text: 'ab', hit: false }]);
  });

  it('cuts a long text around the first hit', () => {
    const text = `${'начало '.repeat(40)}собрание в пятницу${' конец'.repeat(40)}`;
    const cut = snippet(text, 'собрание', 80);
    expect(cut).toContain('собрание');
    expect(cut.startsWith('…') && cut.endsWith('…')).toBe(true);
  });

  it('lists the others outside their working hours, soonest first', () => {
    const now = Date.parse('2026-12-07T20:00:00Z');
    const member = (personId: string, availableFrom: string | null) => ({
      personId,
      firstName: 'A',
      lastName: personId,
      availableFrom,
    });
    const away = awayMembers(
      [
        member('me', '2026-12-08T05:00:00Z'),
        member('late', '2026-12-08T06:00:00Z'),
        member('past', '2026-12-07T19:00:00Z'),
        member('soon', '2026-12-08T05:00:00Z'),
        member('none', null),
      ],
      'me',
      now,
    );
    expect(away.map((m) => m.personId)).toEqual(['soon', 'late']);
  });
});
