import { Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../../auth/role.js';
import { ReportDimension, ReportMeasure } from './report.model.js';
import { ReportSpec } from './report.inputs.js';
import { ReportChartType, ReportScheduleFrequency } from './report-view.entity.js';
import type { ReportResult } from './report.types.js';

export enum ReportViewFilter {
  ALL = 'ALL',
  MINE = 'MINE',
  SHARED = 'SHARED',
  PINNED = 'PINNED',
}
registerEnumType(ReportViewFilter, {
  name: 'ReportViewFilter',
  description:
    'ALL: own and shared with the viewer; MINE: own; SHARED: shared with the viewer by others; PINNED: those on the home page (own and shared)',
});

@InputType({ description: 'Who else sees a saved view: whole roles, and members of staff by id' })
export class ReportAudienceInput {
  @Field(() => [Role], { defaultValue: [] }) roles!: Role[];
  @Field(() => [ID], { defaultValue: [] }) staffIds!: string[];
}

@InputType({
  description:
    'When a saved view reaches its audience as a message with the XLSX, in the school’s time zone',
})
export class ReportScheduleInput {
  @Field(() => ReportScheduleFrequency) frequency!: ReportScheduleFrequency;
  @Field(() => Int, {
    nullable: true,
    description:
      'WEEKLY: 1 (Monday) to 7 (Sunday); MONTHLY: 1 to 31 (the last day in a shorter month)',
  })
  day?: number | null;
  @Field(() => Int, { nullable: true, description: 'The hour of the school’s day, 0 to 23' })
  hour?: number | null;
}

@ObjectType({
  simpleResolvers: true,
  description:
    'When a saved view reaches its audience as a message with the XLSX (each member’s own rows), in the school’s time zone',
})
export class ReportSchedule {
  @Field(() => ReportScheduleFrequency) frequency!: ReportScheduleFrequency;
  @Field(() => Int, { nullable: true }) day!: number | null;
  @Field(() => Int, { nullable: true }) hour!: number | null;
}

@InputType({ description: 'A saved report view: the question, its name, chart and audience' })
export class ReportViewInput {
  @Field({ description: '1–120 characters' }) name!: string;
  @Field(() => String, { nullable: true, description: 'Up to 1000 characters' })
  description?: string | null;
  @Field(() => ReportSpec) spec!: ReportSpec;
  @Field(() => ReportChartType, { defaultValue: ReportChartType.TABLE })
  chartType!: ReportChartType;
  @Field(() => ReportAudienceInput, { nullable: true }) audience?: ReportAudienceInput | null;
  @Field({ defaultValue: false, description: 'On the home page of the owner and the audience' })
  pinned!: boolean;
  @Field(() => ReportScheduleInput, {
    nullable: true,
    description: 'Absent: the schedule stays as it is (off for a new view)',
  })
  schedule?: ReportScheduleInput | null;
}

@ObjectType('ReportFilter', { simpleResolvers: true })
export class ReportFilterView {
  @Field(() => ReportDimension) dimension!: ReportDimension;
  @Field(() => String, { nullable: true }) equals!: string | null;
  @Field(() => [String], { nullable: true }) in!: string[] | null;
  @Field(() => String, { nullable: true }) from!: string | null;
  @Field(() => String, { nullable: true }) to!: string | null;
}

@ObjectType('ReportSort', { simpleResolvers: true })
export class ReportSortView {
  @Field(() => ReportDimension, { nullable: true }) dimension!: ReportDimension | null;
  @Field(() => ReportMeasure, { nullable: true }) measure!: ReportMeasure | null;
  @Field(() => Boolean, { nullable: true }) descending!: boolean | null;
}

@ObjectType('SavedReportSpec', {
  simpleResolvers: true,
  description: 'A saved view’s question, as `ReportSpec` takes it',
})
export class SavedReportSpec {
  @Field(() => [ReportDimension]) rows!: ReportDimension[];
  @Field(() => ReportDimension, { nullable: true }) columns!: ReportDimension | null;
  @Field(() => [ReportMeasure]) measures!: ReportMeasure[];
  @Field(() => [ReportFilterView]) filters!: ReportFilterView[];
  @Field(() => [ReportSortView]) sort!: ReportSortView[];
  @Field(() => Int, { nullable: true }) limit!: number | null;
}

@ObjectType({ simpleResolvers: true, description: 'A member of staff, by name' })
export class ReportPerson {
  @Field(() => ID) id!: string;
  @Field() name!: string;
}

@ObjectType({ simpleResolvers: true })
export class ReportAudience {
  @Field(() => [Role]) roles!: Role[];
  @Field(() => [ReportPerson]) staff!: ReportPerson[];
}

@ObjectType('ReportView', {
  description:
    'A saved report view. Its `result` is computed for whoever reads it, under their own row filter: sharing a view never shares data.',
})
export class ReportViewInfo {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() description!: string;
  @Field(() => SavedReportSpec) spec!: SavedReportSpec;
  @Field(() => ReportChartType) chartType!: ReportChartType;
  @Field(() => ReportPerson) owner!: ReportPerson;
  @Field({ description: 'Whether the viewer owns it (only the owner edits, shares, deletes)' })
  mine!: boolean;
  @Field(() => ReportAudience) audience!: ReportAudience;
  @Field() pinned!: boolean;
  @Field(() => ReportSchedule) schedule!: ReportSchedule;
  @Field(() => ID, { nullable: true, description: 'The view this one was copied from' })
  copiedFromId!: string | null;
  @Field(() => Int) version!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  /** Filled in advance by the live subscription; otherwise the field resolver computes it. */
  result?: ReportResult;
}

@ObjectType({ simpleResolvers: true, description: 'Saved views, newest first' })
export class ReportViewPage {
  @Field(() => [ReportViewInfo]) items!: ReportViewInfo[];
  @Field(() => ID, { nullable: true, description: 'Pass as `after` for the next page' })
  nextCursor!: string | null;
}
