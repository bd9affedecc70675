import { Arg, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { ViewerInfo } from '../../graphql/types.js';
import { DomainError } from '../../errors.js';
import { loadViewer } from '../../auth/viewer.js';
import { MIN_LENGTH, passwordStrength } from '../../auth/password-strength.js';
import {
  AccessCodeRegisterPage,
  IssuedCodes,
  PasswordStrengthInfo,
  SessionInfo,
} from './access.types.js';
import { FileDownload } from '../people/people.types.js';
import { docLang, peopleOf } from '../people/people.resolver.js';
import { Lang } from '../../graphql/enums.js';

@Resolver()
export class AccessResolver {
  @Mutation(() => IssuedCodes, {
    description:
      'New one-time activation codes with printable slips: staff by the SYSADMIN, pupils and parents by their class teacher',
  })
  async issueAccessCodes(
    @Arg('personIds', () => [ID]) personIds: string[],
    @Arg('lang', () => Lang, { defaultValue: Lang.RU }) lang: Lang,
    @Ctx() ctx: RequestContext,
  ): Promise<IssuedCodes> {
    return ctx.services.access.issue(
      ctx,
      await peopleOf(ctx),
      personIds,
      docLang(lang),
      ctx.origin ?? 'http://localhost:4000',
    );
  }

  @Mutation(() => ID, { description: 'Withdraws a code not yet used' })
  async revokeAccessCode(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    await ctx.services.access.revoke(ctx, await peopleOf(ctx), id);
    return id;
  }

  @Query(() => AccessCodeRegisterPage, {
    description: 'The register of issued codes: of a class, or of staff; newest first, by pages',
  })
  async accessCodeRegister(
    @Arg('classGroupId', () => ID, { nullable: true }) classGroupId: string | null,
    @Arg('staff', { defaultValue: false }) staff: boolean,
    @Arg('lang', () => Lang, { defaultValue: Lang.RU }) lang: Lang,
    @Arg('first', () => Int, { defaultValue: 100, description: 'At most 500' }) first: number,
    @Arg('after', () => String, { nullable: true, description: 'The previous page’s nextCursor' })
    after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<AccessCodeRegisterPage> {
    return ctx.services.access.register(
      ctx,
      await peopleOf(ctx),
      { classGroupId, staff },
      docLang(lang),
      { first, after },
    );
  }

  @Query(() => FileDownload, { description: 'The register as a sheet to sign (PDF)' })
  async accessCodeRegisterPdf(
    @Arg('classGroupId', () => ID, { nullable: true }) classGroupId: string | null,
    @Arg('staff', { defaultValue: false }) staff: boolean,
    @Arg('lang', () => Lang, { defaultValue: Lang.RU }) lang: Lang,
    @Ctx() ctx: RequestContext,
  ): Promise<FileDownload> {
    return ctx.services.access.registerPdf(
      ctx,
      await peopleOf(ctx),
      { classGroupId, staff },
      docLang(lang),
    );
  }

  @Mutation(() => ViewerInfo, {
    description: 'First sign-in with the code from the slip: choose a password; signs in',
  })
  async activateAccount(
    @Arg('login') login: string,
    @Arg('code') code: string,
    @Arg('password') password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<ViewerInfo> {
    if (!ctx.cookies) throw new DomainError('BAD_USER_INPUT', 'Activate over HTTP');
    const account = await ctx.services.access.activate(
      ctx.em,
      login,
      code,
      password,
      ctx.clientAddress,
    );
    const { token, expiresAt } = await ctx.services.sessions.create(ctx.em, account, ctx.userAgent);
    ctx.cookies.setSession(token, expiresAt);
    const viewer = await loadViewer(ctx.em, token);
    ctx.em.setFilterParams('tenant', { schoolId: viewer!.schoolId });
    return (await ctx.services.me.me({ em: ctx.em, viewer }))!;
  }

  @Query(() => PasswordStrengthInfo, { description: 'How hard a password would be to guess' })
  passwordStrength(
    @Arg('password') password: string,
    @Arg('login', () => String, { nullable: true }) login: string | null,
  ): PasswordStrengthInfo {
    return Object.assign(new PasswordStrengthInfo(), {
      ...passwordStrength(password, login ? [login] : []),
      minLength: MIN_LENGTH,
    });
  }

  @Mutation(() => Boolean, { description: 'A new password; the other sessions end' })
  changePassword(
    @Arg('currentPassword') currentPassword: string,
    @Arg('newPassword') newPassword: string,
    @Ctx() ctx: RequestContext,
  ): Promise<boolean> {
    return ctx.services.access.changePassword(ctx, currentPassword, newPassword);
  }

  @Query(() => [SessionInfo], { description: "The viewer's active sign-ins" })
  mySessions(@Ctx() ctx: RequestContext): Promise<SessionInfo[]> {
    return ctx.services.access.mySessions(ctx);
  }

  @Mutation(() => ID, { description: 'Ends one of the viewer’s sessions' })
  async endSession(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<string> {
    await ctx.services.access.endSession(ctx, id);
    return id;
  }

  @Mutation(() => [ID], {
    description: 'Ends every session of the viewer but this one; answers the ended ones’ ids',
  })
  endOtherSessions(@Ctx() ctx: RequestContext): Promise<number[]> {
    return ctx.services.access.endOtherSessions(ctx);
  }
}
