import { Permission, policy } from '../../auth/policy.js';
import { DEFAULT_MIN_MARKS } from '../../db/migrations/Migration20261207100000_control.js';
import { prepared } from '../../db/prepared.js';
import { badInput } from '../../errors.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Scope } from '../../scope.js';
import { auditAndPublish } from '../audit/audit.js';
import type { ControlSettingsInput } from './control.inputs.js';
import type { ControlSettings, MinMarksRule } from './control.types.js';

type Minimums = Record<string, Record<string, number>>;
/** DOMAIN-DATA §6: the minimum marks per period kind and weekly hours (1, 2, 3 or more). */
const DEFAULTS: Minimums = DEFAULT_MIN_MARKS;
const KINDS = Object.keys(DEFAULTS);
const MAX_LATE_DAYS = 60;
const MAX_MARKS = 50;

/** Published (school-wide, no audience) when the rules change: the live dashboards re-read. */
export const CONTROL_SETTINGS_CHANGED = 'CONTROL_SETTINGS_CHANGED';

interface Row {
  lateAfterDays: number;
  homeworkRequired: boolean;
  minMarks: Minimums;
}

/** The table's JSON as a list, every kind and hours present (defaults fill what is missing). */
function rules(minMarks: Minimums): MinMarksRule[] {
  return KINDS.flatMap((periodKind) =>
    [1, 2, 3].map((hoursPerWeek) => ({
      periodKind,
      hoursPerWeek,
      marks: minMarks[periodKind]?.[hoursPerWeek] ?? DEFAULTS[periodKind][hoursPerWeek],
    })),
  );
}

async function read(em: EntityManager, schoolId: number): Promise<ControlSettings> {
  const [row] = await prepared<Row>(
    em,
    `select late_after_days as "lateAfterDays", homework_required as "homeworkRequired", min_marks as "minMarks"
       from control_setting where school_id = ?`,
    [schoolId],
  );
  const r = row ?? { lateAfterDays: 7, homeworkRequired: true, minMarks: DEFAULTS };
  return { ...r, minMarks: rules(r.minMarks) };
}

/** The rules read: the administration (DEPUTY reads, SYSADMIN and DIRECTOR also set). */
export async function controlSettings(scope: Scope): Promise<ControlSettings> {
  const { viewer } = scope;
  if (!policy.can(viewer, Permission.ControlRead)) {
    policy.require(viewer, Permission.ControlSettingsManage);
  }
  return read(scope.em, viewer!.schoolId);
}

/** Each rule checked (field named by its index); the JSON the table keeps. */
function checkInput(input: ControlSettingsInput): Minimums {
  if (!Number.isInteger(input.lateAfterDays) || input.lateAfterDays < 0) {
    throw badInput('lateAfterDays', 'OUT_OF_RANGE', 'Days from 0');
  }
  if (input.lateAfterDays > MAX_LATE_DAYS) {
    throw badInput('lateAfterDays', 'OUT_OF_RANGE', `Days up to ${MAX_LATE_DAYS}`);
  }
  const out: Minimums = structuredClone(DEFAULTS);
  const seen = new Set<string>();
  input.minMarks.forEach((r, i) => {
    if (!KINDS.includes(r.periodKind)) {
      throw badInput(`minMarks.${i}.periodKind`, 'INVALID_KIND', 'QUARTER, TRIMESTER or HALF_YEAR');
    }
    if (![1, 2, 3].includes(r.hoursPerWeek)) {
      throw badInput(`minMarks.${i}.hoursPerWeek`, 'OUT_OF_RANGE', 'Weekly hours 1, 2 or 3');
    }
    if (!Number.isInteger(r.marks) || r.marks < 0 || r.marks > MAX_MARKS) {
      throw badInput(`minMarks.${i}.marks`, 'OUT_OF_RANGE', `Marks from 0 to ${MAX_MARKS}`);
    }
    const key = `${r.periodKind}/${r.hoursPerWeek}`;
    if (seen.has(key)) throw badInput(`minMarks.${i}`, 'DUPLICATE', 'The rule is given twice');
    seen.add(key);
    out[r.periodKind][r.hoursPerWeek] = r.marks;
  });
  return out;
}

/** Sets the school's rules (SYSADMIN, DIRECTOR); rules not given keep DOMAIN-DATA's defaults. */
export async function setControlSettings(
  scope: Scope,
  input: ControlSettingsInput,
): Promise<ControlSettings> {
  const { em, viewer } = scope;
  policy.require(viewer, Permission.ControlSettingsManage);
  const minMarks = checkInput(input);
  const before = await read(em, viewer.schoolId);
  await em.transactional(async (tem) => {
    await prepared(
      tem,
      `insert into control_setting (school_id, late_after_days, homework_required, min_marks)
       values (?, ?, ?, ?::jsonb)
       on conflict (school_id) do update set late_after_days = excluded.late_after_days,
         homework_required = excluded.homework_required, min_marks = excluded.min_marks`,
      [viewer.schoolId, input.lateAfterDays, input.homeworkRequired, JSON.stringify(minMarks)],
    );
    const after = { ...input, minMarks: rules(minMarks) };
    await auditAndPublish(
      tem,
      viewer,
      [
        {
          entity: 'control_setting',
          entityId: viewer.schoolId,
          action: 'update',
          before: { ...before },
          after,
        },
      ],
      [{ type: CONTROL_SETTINGS_CHANGED, payload: { authorId: String(viewer.personId) } }],
    );
  });
  return read(em, viewer.schoolId);
}
