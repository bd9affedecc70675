import { Person } from './person.entity.js';
import { RoleGrant } from './role-grant.entity.js';
import { Role } from '../../auth/role.js';
import { Enrollment } from './enrollment.entity.js';
import { ClassGroup } from '../school/class-group.entity.js';
import { AcademicYear } from '../school/academic-year.entity.js';
import { audit } from '../audit/audit.js';
import { DomainError, badInput, notFound, type EntryProblem } from '../../errors.js';
import type { Scope } from '../../scope.js';
import {
  classListTemplate,
  parseClassList,
  type ImportRow,
  type ParsedClassList,
} from '../../documents/class-list.js';
import { checkPersonInput } from './person-fields.js';
import { addGuardianTo } from './guardian-link.js';
import { requireLedClass } from './people.service.js';
import { enrolmentStart } from './pupil-moves.js';
import {
  FileDownload,
  FileProblem,
  ImportPreview,
  ImportPreviewRow,
  ImportProblem,
  ImportResult,
} from './people.types.js';
import type { EntityManager } from '@mikro-orm/postgresql';

/** Half a megabyte: a class list of 200 rows is a few dozen kilobytes. */
const MAX_BYTES = 512 * 1024;

const fullName = (p: { lastName: string; firstName: string; middleName?: string | null }) =>
  [p.lastName, p.firstName, p.middleName].filter(Boolean).join(' ');

/**
 * A class list from CSV or XLSX: a preview that shows each row's problems, then an import
 * that writes all rows or none.
 */
export class ClassImportService {
  /** The empty template, in a format the resolver has checked (`UNSUPPORTED_FORMAT` otherwise). */
  async template(format: 'xlsx' | 'csv'): Promise<FileDownload> {
    const bytes = await classListTemplate(format);
    return Object.assign(new FileDownload(), {
      filename: `class-list-template.${format}`,
      contentType:
        format === 'xlsx'
          ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
          : 'text/csv; charset=utf-8',
      base64: bytes.toString('base64'),
    });
  }

  async preview(
    scope: Scope,
    today: string,
    classGroupId: string,
    base64: string,
    filename: string,
  ): Promise<ImportPreview> {
    const cls = await this.ledClass(scope, classGroupId);
    const parsed = await this.read(scope.em, cls, base64, filename, today);
    const rows = parsed.rows.map((r) =>
      Object.assign(new ImportPreviewRow(), {
        rowNumber: r.rowNumber,
        pupilName: fullName(r.pupil),
        birthDate: r.pupil.birthDate ?? null,
        guardianNames: r.guardians.map(fullName),
        problems: r.problems.map((p) => Object.assign(new ImportProblem(), p)),
      }),
    );
    return Object.assign(new ImportPreview(), {
      rows,
      fileProblems: parsed.fileProblems.map((p) =>
        Object.assign(new FileProblem(), {
          reason: p.reason,
          message: p.message,
          column: p.column ?? null,
        }),
      ),
      valid:
        parsed.fileProblems.length === 0 &&
        rows.length > 0 &&
        rows.every((r) => r.problems.length === 0),
      pupilCount: rows.length,
      guardianCount: parsed.rows.reduce((n, r) => n + r.guardians.length, 0),
    });
  }

  /**
   * All or nothing: any problem in the file refuses the whole import, naming each row. Every pupil
   * of the list is enrolled from `enrolledFrom` (as `registerPupil` takes it), else from today.
   */
  async commit(
    scope: Scope,
    today: string,
    classGroupId: string,
    base64: string,
    filename: string,
    enrolledFrom?: string | null,
  ): Promise<ImportResult> {
    const viewer = scope.viewer!;
    const cls = await this.ledClass(scope, classGroupId);
    const parsed = await this.read(scope.em, cls, base64, filename, today);
    if (parsed.fileProblems.length > 0) {
      const p = parsed.fileProblems[0];
      throw new DomainError('BAD_USER_INPUT', p.message, { field: 'file', reason: p.reason });
    }
    if (parsed.rows.length === 0) throw badInput('file', 'EMPTY_FILE', 'The file has no pupils');
    const entries: EntryProblem[] = parsed.rows.flatMap((r) =>
      r.problems.map((p) => ({ index: r.rowNumber, ...p })),
    );
    if (entries.length > 0) {
      throw new DomainError('BAD_USER_INPUT', 'Some rows have problems: nothing was imported', {
        reason: 'INVALID_ROWS',
        entries,
      });
    }
    const result = await scope.em.transactional(async (tem) => {
      const year = await tem.findOneOrFail(AcademicYear, cls.academicYear.id);
      const startsOn = enrolmentStart(year, today, enrolledFrom);
      const out = { pupilsCreated: 0, guardiansCreated: 0, guardiansLinked: 0 };
      for (const row of parsed.rows) {
        const fields = checkPersonInput(row.pupil, today);
        const pupil = tem.create(Person, {
          school: viewer.schoolId,
          ...fields,
          recordConfirmedAt: new Date(),
          recordConfirmedBy: viewer.personId,
        });
        tem.create(RoleGrant, { school: viewer.schoolId, person: pupil, role: Role.STUDENT });
        tem.create(Enrollment, { school: viewer.schoolId, pupil, classGroup: cls, startsOn });
        await tem.flush();
        out.pupilsCreated++;
        for (const g of row.guardians) {
          const r = await addGuardianTo(tem, viewer, pupil.id, g.kind, checkPersonInput(g, today));
          if (r.linkedExisting) out.guardiansLinked++;
          else out.guardiansCreated++;
        }
      }
      audit(tem, viewer, 'class_group', cls.id, 'import', null, out);
      return out;
    });
    return Object.assign(new ImportResult(), result);
  }

  private ledClass({ em, viewer }: Scope, id: string): Promise<ClassGroup> {
    if (!viewer) throw notFound();
    return requireLedClass(em, viewer, id);
  }

  /** Parses the file and adds what only the database knows: pupils already in the class. */
  private async read(
    em: EntityManager,
    cls: ClassGroup,
    base64: string,
    filename: string,
    today: string,
  ): Promise<ParsedClassList> {
    if (base64.length > Math.ceil((MAX_BYTES * 4) / 3) + 4) {
      throw badInput('file', 'FILE_TOO_LARGE', 'The file is larger than 512 KB');
    }
    const bytes = Buffer.from(base64, 'base64');
    const parsed = await parseClassList(bytes, filename.slice(0, 200), { today });
    const existing = await em.execute<{ key: string }[]>(
      `select lower(concat_ws('|', p.last_name, p.first_name, coalesce(p.middle_name, ''), coalesce(p.birth_date::text, ''))) as key
         from enrollment e join person p on p.id = e.pupil_id
        where e.class_group_id = ? and (e.ends_on is null or e.ends_on >= ?)`,
      [cls.id, today],
    );
    const keys = new Set(existing.map((r) => r.key));
    for (const row of parsed.rows) {
      addDatabaseProblems(row, keys, today);
    }
    return parsed;
  }
}

function addDatabaseProblems(row: ImportRow, existing: Set<string>, today: string): void {
  const p = row.pupil;
  const key = [p.lastName, p.firstName, p.middleName ?? '', p.birthDate ?? '']
    .join('|')
    .toLowerCase();
  if (existing.has(key)) {
    row.problems.push({
      field: 'lastName',
      reason: 'ALREADY_IN_CLASS',
      message: 'This pupil is already in the class',
    });
  }
  // The same checks as a form would make, so that the import cannot fail half-way.
  if (row.problems.length > 0) return;
  for (const [prefix, person] of [
    ['', p],
    ...row.guardians.map((g, i) => [`parent${i + 1}.`, g] as const),
  ] as const) {
    try {
      checkPersonInput(person, today);
    } catch (e) {
      const d = (e as DomainError).details ?? {};
      row.problems.push({
        field: `${prefix}${d.field ?? 'lastName'}`,
        reason: d.reason ?? 'INVALID',
        message: (e as Error).message,
      });
    }
  }
}
