import { Field, Float, Int, ObjectType } from 'type-graphql';
import { ReportDimension, ReportFact, ReportMeasure, ReportUnit } from './report.model.js';

@ObjectType({
  simpleResolvers: true,
  description: 'A value of a dimension: its key and what people read',
})
export class ReportDimensionValue {
  @Field(() => ReportDimension) dimension!: ReportDimension;
  @Field(() => String, {
    nullable: true,
    description: 'Null: rows without this thing (e.g. year marks have no study period)',
  })
  key!: string | null;
  @Field(() => String, { nullable: true }) label!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class ReportCell {
  @Field(() => ReportMeasure) measure!: ReportMeasure;
  @Field(() => String, {
    nullable: true,
    description: 'The key of the column value in a pivot; null for the total over every column',
  })
  column!: string | null;
  @Field(() => Float, { nullable: true, description: 'Null where there is nothing to divide by' })
  value!: number | null;
}

@ObjectType({ simpleResolvers: true })
export class ReportRow {
  @Field(() => [ReportDimensionValue], { description: 'One value for each dimension of the rows' })
  values!: ReportDimensionValue[];
  @Field(() => [ReportCell]) cells!: ReportCell[];
}

@ObjectType({ simpleResolvers: true })
export class ReportResult {
  @Field(() => [ReportDimension]) rowDimensions!: ReportDimension[];
  @Field(() => ReportDimension, { nullable: true }) columnDimension!: ReportDimension | null;
  @Field(() => [ReportMeasure]) measures!: ReportMeasure[];
  @Field(() => [ReportDimensionValue], { description: 'Column headers of a pivot, in order' })
  columns!: ReportDimensionValue[];
  @Field(() => [ReportRow]) rows!: ReportRow[];
  @Field(() => ReportRow, { description: 'Totals over every row (and per column in a pivot)' })
  total!: ReportRow;
  @Field(() => Int, { description: 'How many rows the view has, before the limit' })
  rowCount!: number;
  @Field(() => Date) generatedAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class ReportDimensionInfo {
  @Field(() => ReportDimension) id!: ReportDimension;
  @Field() labelRu!: string;
  @Field() labelEn!: string;
  @Field({ description: 'Whether a range filter applies (dates, months, weeks, grades)' })
  rangeAllowed!: boolean;
  @Field({ description: 'Only for viewers who see the whole school' })
  administrationOnly!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class ReportMeasureInfo {
  @Field(() => ReportMeasure) id!: ReportMeasure;
  @Field() labelRu!: string;
  @Field() labelEn!: string;
  @Field(() => ReportFact, { description: 'Which rows it is computed over' }) over!: ReportFact;
  @Field(() => ReportUnit) unit!: ReportUnit;
  @Field() formulaRu!: string;
  @Field() formulaEn!: string;
  @Field(() => [ReportDimension], { description: 'The dimensions it may be split and filtered by' })
  dimensions!: ReportDimension[];
}

@ObjectType({
  simpleResolvers: true,
  description: 'What reports can show: dimensions and measures',
})
export class ReportModel {
  @Field(() => [ReportDimensionInfo]) dimensions!: ReportDimensionInfo[];
  @Field(() => [ReportMeasureInfo]) measures!: ReportMeasureInfo[];
}
