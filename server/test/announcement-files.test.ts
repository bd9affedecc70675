import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type GqlClient, type TestApp, uploadFile } from './helpers.js';
import { factory, type MadeClass, type MadePerson } from './factory.js';

/**
 * An announcement's files (issue 21): messaging's attachment store, claimed all or none when the
 * announcement is posted, read by its author and its recipients only.
 */
let t: TestApp;
const p: Record<string, MadePerson> = {};
const c: Record<string, GqlClient> = {};
let c7: MadeClass;

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4e10000000049454e44ae426082',
  'hex',
);
const POST = `mutation($i:PostAnnouncementInput!){createAnnouncement(input:$i){id
  attachments{id name contentType size}}}`;
const LIST = `query{announcements(first:10){items{id attachments{id name}}}}`;

type Posted = {
  createAnnouncement: { id: string; attachments: { id: string; name: string; size: number }[] };
};

const upload = (who: string, name: string) => uploadFile(t, c[who].cookie, name, PNG);

const status = async (who: string, id: string) =>
  (await fetch(`${t.origin}/files/${id}`, { headers: { cookie: c[who].cookie } })).status;

const post = (who: string, attachmentIds: string[]) =>
  c[who].request<Posted>(POST, {
    i: {
      audience: 'CLASS_PARENTS',
      classGroupId: c7.id,
      title: 'Собрание',
      body: 'Повестка во вложении',
      attachmentIds,
    },
  });

const count = async (table: string) =>
  Number((await t.sql<{ n: string }>(`select count(*)::text as n from ${table}`))[0].n);

beforeAll(async () => {
  t = await createTestApp({ demo: false });
  const f = factory(t);
  await f.newSchool({ name: 'Школа А' });
  p.classTeacher = await f.newTeacher();
  p.otherTeacher = await f.newTeacher();
  c7 = await f.newClass({ grade: 7, classTeacher: p.classTeacher });
  const c8 = await f.newClass({ grade: 8, classTeacher: p.otherTeacher });
  p.pupil = await f.newPupil({ classGroup: c7 });
  p.parent = await f.newParent({ children: [p.pupil] });
  p.otherParent = await f.newParent({ children: [await f.newPupil({ classGroup: c8 })] });
  for (const [k, v] of Object.entries(p)) c[k] = await v.client();
});

afterAll(async () => {
  await t?.close();
});

describe('announcement files', () => {
  it('carries the author’s uploads in order, read by the author and the recipients only', async () => {
    const first = await upload('classTeacher', 'повестка.png');
    const second = await upload('classTeacher', 'схема.png');
    const r = await post('classTeacher', [second, first]);
    expect(r.errors).toBeUndefined();
    expect(r.data!.createAnnouncement.attachments.map((a) => a.name)).toEqual([
      'схема.png',
      'повестка.png',
    ]);
    const listed = await c.parent.request<{
      announcements: { items: { id: string; attachments: { id: string }[] }[] };
    }>(LIST);
    expect(listed.data!.announcements.items[0].attachments.map((a) => a.id)).toEqual([
      second,
      first,
    ]);
    expect(await status('classTeacher', first)).toBe(200);
    expect(await status('parent', first)).toBe(200);
    // Not addressed to them: another class's parent, another teacher, the pupil (parents only).
    for (const who of ['otherParent', 'otherTeacher', 'pupil']) {
      expect(await status(who, first), who).toBe(404);
    }
  });

  it('refuses another person’s upload or one attached already, posting nothing', async () => {
    const before = await count('announcement');
    const theirs = await upload('otherTeacher', 'чужое.png');
    const mine = await upload('classTeacher', 'моё.png');
    const r = await post('classTeacher', [mine, theirs]);
    expect(r.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'ATTACHMENT_NOT_AVAILABLE',
      field: 'attachmentIds',
    });
    expect(await count('announcement')).toBe(before);
    // The refused post claimed nothing: the author's own upload is still theirs to attach.
    const again = await post('classTeacher', [mine]);
    expect(again.errors).toBeUndefined();
    const twice = await post('classTeacher', [mine]);
    expect(twice.errors?.[0].extensions?.reason).toBe('ATTACHMENT_NOT_AVAILABLE');
  });
});
