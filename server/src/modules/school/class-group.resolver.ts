import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ClassGroup } from './class-group.entity.js';
import { AcademicYear } from './academic-year.entity.js';
import { ClassGroupInput, CreateClassGroupInput } from './school.inputs.js';
import { Staff } from '../../graphql/types.js';
import type { RequestContext } from '../../graphql/context.js';
import type { ClassGroupView } from './course.read.js';

@Resolver(() => ClassGroup)
export class ClassGroupResolver {
  @Query(() => [ClassGroup], { description: 'Classes of a year; the current year by default' })
  async classGroups(
    @Arg('academicYearId', () => ID, { nullable: true }) academicYearId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ClassGroup[]> {
    return ctx.services.classes.list(ctx, academicYearId, await ctx.loaders.today());
  }

  // Not a getter field: type-graphql would make an entity of every read model's class to call it.
  @FieldResolver(() => String)
  name(@Root() cls: ClassGroup | ClassGroupView): string {
    return `${cls.grade}${cls.letter}`;
  }

  @FieldResolver(() => AcademicYear)
  academicYear(
    @Root() cls: ClassGroup | ClassGroupView,
    @Ctx() ctx: RequestContext,
  ): Promise<AcademicYear> {
    // A class of a read model has its year as a bare { id } (course.read.ts).
    const year =
      cls instanceof ClassGroup
        ? cls.academicYear
        : ctx.em.getReference(AcademicYear, cls.academicYear.id, { wrapped: true });
    return year.loadOrFail({ dataloader: true });
  }

  @FieldResolver(() => Staff, { nullable: true })
  async classTeacher(
    @Root() cls: ClassGroup | ClassGroupView,
    @Ctx() ctx: RequestContext,
  ): Promise<Staff | null> {
    return cls.classTeacher ? ctx.loaders.staff.load(cls.classTeacher.id) : null;
  }

  @FieldResolver(() => Int, { description: 'Pupils enrolled today' })
  pupilCount(
    @Root() cls: ClassGroup | ClassGroupView,
    @Ctx() ctx: RequestContext,
  ): Promise<number> {
    return ctx.loaders.pupilCount.load(cls.id);
  }

  @Mutation(() => ClassGroup)
  createClassGroup(
    @Arg('input') input: CreateClassGroupInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ClassGroup> {
    return ctx.services.classes.create(ctx, input);
  }

  @Mutation(() => ClassGroup)
  updateClassGroup(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: ClassGroupInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ClassGroup> {
    return ctx.services.classes.update(ctx, id, input);
  }

  @Mutation(() => ID, { description: 'Answers the deleted id' })
  async deleteClassGroup(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    await ctx.services.classes.delete(ctx, id);
    return id;
  }
}
