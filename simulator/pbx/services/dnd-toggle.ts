/**
 * Do-not-disturb switched on and off from the phone (ARCHITECTURE.md "Other PBX services"): the change is
 * made in the extension state service (an `extension-state-changed` event) and confirmed to the
 * caller (`service-confirmation.ts`).
 */
import { confirmService } from './service-confirmation.js';
import type { ServiceCodeHandler } from './service-code.js';

export const dndToggle: ServiceCodeHandler = {
  features: ['dnd-toggle'],
  handle(ctx, { invite, caller }) {
    const on = !(ctx.extensions.get(caller.number)?.dnd ?? false);
    ctx.extensions.set(caller.number, 'dnd', on, 'service-code');
    confirmService(invite, ctx.clock);
    return undefined;
  },
};
