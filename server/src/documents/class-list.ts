/**
 * The class list a school imports pupils and parents from (CSV or XLSX), and its template. The
 * parts live in class-list/: csv.ts and xlsx.ts read a file into cells, columns.ts knows the
 * headers, validate.ts and rows.ts check the values, parse.ts puts it together, template.ts writes
 * the file to fill in.
 */

export type {
  FileProblem,
  ImportedGuardian,
  ImportedPerson,
  ImportRow,
  ParsedClassList,
  RowProblem,
} from './class-list/types.js';
export { MAX_ROWS } from './class-list/columns.js';
export { isEmail, normalizePhone } from './class-list/validate.js';
export { parseClassList } from './class-list/parse.js';
export { classListTemplate } from './class-list/template.js';
