import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../graphql/context.js';
import { PushDevice, PushDeviceInput, PushPreferencesInput, PushSettings } from './push.types.js';

@Resolver()
export class PushResolver {
  @Query(() => PushSettings, {
    description: 'The viewer’s push choices and subscribed devices, with the server’s VAPID key',
  })
  pushSettings(@Ctx() ctx: RequestContext): Promise<PushSettings> {
    return ctx.services.push.settings(ctx);
  }

  @Mutation(() => PushSettings, {
    description: 'Which kinds are pushed, with what detail, and the quiet hours',
  })
  setPushPreferences(
    @Arg('input', () => PushPreferencesInput) input: PushPreferencesInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PushSettings> {
    return ctx.services.push.setPreferences(ctx, input);
  }

  @Mutation(() => PushDevice, { description: 'Subscribes this browser to the viewer’s pushes' })
  addPushDevice(
    @Arg('input', () => PushDeviceInput) input: PushDeviceInput,
    @Ctx() ctx: RequestContext,
  ): Promise<PushDevice> {
    return ctx.services.push.addDevice(ctx, input);
  }

  @Mutation(() => ID, { description: 'Unsubscribes one of the viewer’s devices' })
  removePushDevice(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<string> {
    return ctx.services.push.removeDevice(ctx, id);
  }
}
