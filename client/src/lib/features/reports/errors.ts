import { CombinedGraphQLErrors } from '@apollo/client/errors';
import { codeMessage, describeError, type UiMessage } from '../../graphql/errors';
import type { ReportSpec } from '../../graphql/generated/graphql';

/** Reasons the report compiler and runner give (server/src/modules/reports), translated here. */
export const REPORT_REASONS = [
  'STUDY_PERIOD_REQUIRED',
  'DIMENSION_NOT_APPLICABLE',
  'DIMENSION_NOT_ALLOWED',
  'TOO_MANY_ROWS',
  'TOO_MANY_COLUMNS',
  'TOO_MANY_DIMENSIONS',
  'DUPLICATE',
  'REQUIRED',
  'OUT_OF_RANGE',
  'INVALID_VALUE',
  'ONE_OF',
  'RANGE_NOT_ALLOWED',
  'RANGE_REVERSED',
  'NOT_IN_ROWS',
  'NOT_IN_MEASURES',
  'UNKNOWN_DIMENSION',
  'UNKNOWN_MEASURE',
  'REPORT_TIMEOUT',
] as const;
type ReportReason = (typeof REPORT_REASONS)[number];

const isReportReason = (reason: unknown): reason is ReportReason =>
  typeof reason === 'string' && (REPORT_REASONS as readonly string[]).includes(reason);

export interface ReportFailure {
  message: UiMessage;
  /** Values for the message's placeholders (`count` of rows or columns). */
  values: Record<string, number>;
  /** The part of the spec it is about, as the server names it (`spec.measures.2`). */
  field?: string;
}

/** Turns what running a report rejected with into a message, in our words where we know them. */
export function reportFailure(error: unknown): ReportFailure {
  if (CombinedGraphQLErrors.is(error) && error.errors.length > 0) {
    const extensions: Record<string, unknown> = error.errors[0].extensions ?? {};
    const { reason, field, count } = extensions;
    if (isReportReason(reason)) {
      return {
        message: { key: `reports.reason.${reason}` },
        values: typeof count === 'number' ? { count } : {},
        field: typeof field === 'string' ? field : undefined,
      };
    }
  }
  const described = describeError(error);
  const message =
    described.general ?? Object.values(described.fields)[0] ?? codeMessage(described.code);
  return { message, values: {} };
}

export type SpecPart = { measure: string } | { dimension: string };

/** The measure or dimension a field such as `spec.filters.1.dimension` points at. */
export function partOf(field: string | undefined, spec: ReportSpec): SpecPart | undefined {
  const [root, list, index] = (field ?? '').split('.');
  if (root !== 'spec') return undefined;
  const at = Number(index);
  switch (list) {
    case 'measures': {
      const measure = Number.isInteger(at) ? spec.measures[at] : undefined;
      return measure ? { measure } : undefined;
    }
    case 'rows': {
      const dimension = Number.isInteger(at) ? spec.rows[at] : undefined;
      return dimension ? { dimension } : undefined;
    }
    case 'columns':
      return spec.columns ? { dimension: spec.columns } : undefined;
    case 'filters': {
      const filter = Number.isInteger(at) ? spec.filters?.[at] : undefined;
      return filter ? { dimension: filter.dimension } : undefined;
    }
    default:
      return undefined;
  }
}
