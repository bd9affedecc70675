/** A file read into a grid of cells, whichever format it came in, and a cell as text. */

export type Cell = string | number | boolean | Date | null;
export type Grid = Cell[][];

/** The file is neither a workbook nor text that a CSV could be. */
export class Unreadable extends Error {}

export const pad2 = (n: number) => String(n).padStart(2, '0');
export const isoDate = (y: number, m: number, d: number) => `${y}-${pad2(m)}-${pad2(d)}`;

export function text(c: Cell | undefined): string {
  if (c == null) return '';
  if (c instanceof Date) {
    return Number.isNaN(c.getTime())
      ? ''
      : isoDate(c.getUTCFullYear(), c.getUTCMonth() + 1, c.getUTCDate());
  }
  return String(c)
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

export const isEmptyRow = (r: Cell[]) => r.every((c) => text(c) === '');
