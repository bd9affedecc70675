import { Field, InputType, Int } from 'type-graphql';
import { ReportDimension, ReportMeasure } from './report.model.js';

@InputType({
  description:
    'A condition on one dimension: `equals` one value, `in` a list, or a range `from`..`to` (inclusive; either end may be left open; dates, months, weeks and grades only). Ids, dates (YYYY-MM-DD), months (YYYY-MM) and ISO weeks (YYYY-Wnn) are given as text.',
})
export class ReportFilterInput {
  @Field(() => ReportDimension) dimension!: ReportDimension;
  @Field(() => String, { nullable: true }) equals?: string | null;
  @Field(() => [String], { nullable: true }) in?: string[] | null;
  @Field(() => String, { nullable: true }) from?: string | null;
  @Field(() => String, { nullable: true }) to?: string | null;
}

@InputType({
  description: 'Sort by a dimension of the rows (its label) or by a measure (the row total)',
})
export class ReportSortInput {
  @Field(() => ReportDimension, { nullable: true }) dimension?: ReportDimension | null;
  @Field(() => ReportMeasure, { nullable: true }) measure?: ReportMeasure | null;
  @Field(() => Boolean, { nullable: true }) descending?: boolean | null;
}

@InputType({
  description:
    'A report view: rows grouped by dimensions, optionally spread over one column dimension (a pivot), the measures in each cell, filters, sort and limit. The viewer’s school and scope come from the session.',
})
export class ReportSpec {
  @Field(() => [ReportDimension]) rows!: ReportDimension[];
  @Field(() => ReportDimension, { nullable: true }) columns?: ReportDimension | null;
  @Field(() => [ReportMeasure]) measures!: ReportMeasure[];
  @Field(() => [ReportFilterInput], { nullable: true }) filters?: ReportFilterInput[] | null;
  @Field(() => [ReportSortInput], { nullable: true }) sort?: ReportSortInput[] | null;
  @Field(() => Int, { nullable: true, description: 'At most this many rows (1–1000)' })
  limit?: number | null;
}
