import { describe, expect, it } from 'vitest';
import { base64ToBlob, withSuffix } from './download';

describe('downloads', () => {
  it('turns Base64 into the bytes it stands for', async () => {
    const blob = base64ToBlob(Buffer.from('%PDF-1.7 привет').toString('base64'), 'application/pdf');
    expect(blob.type).toBe('application/pdf');
    expect(Buffer.from(await blob.arrayBuffer()).toString()).toBe('%PDF-1.7 привет');
  });

  it('names one file per person', () => {
    expect(withSuffix('my-data.json', '181')).toBe('my-data-181.json');
    expect(withSuffix('export', '7')).toBe('export-7');
  });
});
