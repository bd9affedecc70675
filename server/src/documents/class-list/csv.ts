import Papa from 'papaparse';
import { Unreadable, type Grid } from './cells.js';

/** Reading a class list saved as CSV: UTF-8 or UTF-16 with a byte order mark, else Windows-1251. */

function decodeText(file: Buffer): string {
  if (file.length >= 2 && file[0] === 0xff && file[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(file.subarray(2));
  }
  if (file.length >= 2 && file[0] === 0xfe && file[1] === 0xff) {
    return new TextDecoder('utf-16be').decode(file.subarray(2));
  }
  try {
    // Strips a UTF-8 byte order mark itself.
    return new TextDecoder('utf-8', { fatal: true }).decode(file);
  } catch {
    return new TextDecoder('windows-1251').decode(file);
  }
}

/** The delimiter the header line uses most: `;` (Russian Excel), `,` or a tab. */
function detectDelimiter(content: string): string {
  const firstLine = content.split(/\r\n|\n|\r/).find((l) => l.trim() !== '') ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  let best = ';';
  let bestCount = 0;
  for (const d of [';', ',', '\t']) {
    const count = unquoted.split(d).length - 1;
    if (count > bestCount) [best, bestCount] = [d, count];
  }
  return best;
}

export function readCsv(file: Buffer): Grid {
  const content = decodeText(file);
  if (content.includes('\u0000')) throw new Unreadable();
  const result = Papa.parse<string[]>(content, {
    delimiter: detectDelimiter(content),
    skipEmptyLines: false,
  });
  return result.data;
}
