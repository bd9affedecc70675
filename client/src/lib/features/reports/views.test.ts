import { describe, expect, it } from 'vitest';
import { specInput } from './views';
import type { ReportViewFieldsFragment } from '../../graphql/generated/graphql';

describe('specInput', () => {
  it('gives back the question without type names or empty filter parts', () => {
    const saved = {
      __typename: 'SavedReportSpec',
      rows: ['CLASS_GROUP'],
      columns: null,
      measures: ['MARK_COUNT'],
      filters: [
        {
          __typename: 'ReportFilter',
          dimension: 'ACADEMIC_YEAR',
          equals: '3',
          in: null,
          from: null,
          to: null,
        },
        {
          __typename: 'ReportFilter',
          dimension: 'CLASS_GROUP',
          equals: null,
          in: ['1', '2'],
          from: null,
          to: null,
        },
      ],
      sort: [],
      limit: null,
    } as unknown as ReportViewFieldsFragment['spec'];
    expect(specInput(saved)).toEqual({
      rows: ['CLASS_GROUP'],
      columns: null,
      measures: ['MARK_COUNT'],
      filters: [
        { dimension: 'ACADEMIC_YEAR', equals: '3' },
        { dimension: 'CLASS_GROUP', in: ['1', '2'] },
      ],
      sort: [],
      limit: null,
    });
  });
});
