/**
 * Pickup of a ringing call (ARCHITECTURE.md "Other PBX services"; the INTEREDE `*8`): group pickup takes
 * the oldest call ringing the caller's own extension, then its pickup groups' members; directed
 * pickup takes a call ringing the extension dialled after the code. Nothing to pick up: 480.
 */
import type { PbxCall } from '../call/pbx-call.js';
import type { ServiceCodeHandler, ServiceContext } from './service-code.js';

export const pickup: ServiceCodeHandler = {
  features: ['group-pickup', 'directed-pickup'],
  handle(ctx, { invite, code, rest, caller, identity }) {
    const call = ringingCallFor(ctx, code.feature === 'directed-pickup' ? [rest] : pickupScope(ctx, caller.number));
    if (call === undefined || !call.pickUp(invite, caller, identity)) return { kind: 'reject', status: 480, why: 'nothing to pick up' };
    return undefined;
  },
};

/** The extensions whose ringing calls `number` may pick up: its own, then its pickup groups'. */
function pickupScope(ctx: ServiceContext, number: string): string[] {
  return [number, ...ctx.config.pickupGroups.filter((g) => g.members.includes(number)).flatMap((g) => g.members)];
}

/** The oldest call ringing one of `numbers`. */
function ringingCallFor(ctx: ServiceContext, numbers: readonly string[]): PbxCall | undefined {
  for (const number of numbers) for (const call of ctx.calls) if (call.ringingNumber === number) return call;
  return undefined;
}
