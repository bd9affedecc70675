import { OptionalProps, Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';

@ObjectType()
export class MarkSymbol {
  @Field() code!: string;
  @Field() name!: string;
}

@ObjectType()
export class GradingSettings {
  @Field(() => Int) scaleMin!: number;
  @Field(() => Int) scaleMax!: number;
  @Field(() => [MarkSymbol], { description: 'Marks outside the numeric scale, such as «зч»' })
  markSymbols!: MarkSymbol[];

  @Field(() => [Float], {
    description: 'thresholds[i] is the lowest weighted average that earns mark scaleMin + 1 + i',
  })
  thresholds!: number[];
}

@ObjectType()
@Entity({ tableName: 'school' })
export class School {
  [OptionalProps]?:
    'timeZone' | 'scaleMin' | 'scaleMax' | 'thresholds' | 'markSymbols' | 'createdAt' | 'grading';

  @Field(() => ID)
  @PrimaryKey()
  id!: number;

  @Field()
  @Property({ length: 200 })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ length: 100, nullable: true })
  shortName?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ length: 300, nullable: true })
  address?: string | null;

  @Field()
  @Property({ length: 64 })
  timeZone: string = 'Europe/Moscow';

  @Property({ type: 'smallint' })
  scaleMin: number = 1;

  @Property({ type: 'smallint' })
  scaleMax: number = 5;

  @Property({ type: 'json' })
  thresholds: number[] = [1.6, 2.6, 3.6, 4.6];

  /** Marks outside the numeric scale, which do not count in averages. */
  @Property({ type: 'json' })
  markSymbols: MarkSymbol[] = [
    { code: 'зч', name: 'зачёт' },
    { code: 'нз', name: 'незачёт' },
    { code: 'осв', name: 'освобождён' },
  ];

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => GradingSettings)
  get grading(): GradingSettings {
    return {
      scaleMin: this.scaleMin,
      scaleMax: this.scaleMax,
      thresholds: this.thresholds,
      markSymbols: this.markSymbols,
    };
  }
}
