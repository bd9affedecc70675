import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { MailSettings, MailSettingsInput } from './mail.types.js';

@Resolver()
export class MailResolver {
  @Query(() => MailSettings, { description: 'The viewer’s own e-mail settings' })
  mailSettings(@Ctx() ctx: RequestContext): Promise<MailSettings> {
    return ctx.services.mail.settings(ctx);
  }

  @Mutation(() => MailSettings, {
    description: 'Sets the viewer’s own address, digest and weekly-report mail (nobody else’s)',
  })
  setMailSettings(
    @Arg('input', () => MailSettingsInput) input: MailSettingsInput,
    @Ctx() ctx: RequestContext,
  ): Promise<MailSettings> {
    return ctx.services.mail.setSettings(ctx, input);
  }
}
