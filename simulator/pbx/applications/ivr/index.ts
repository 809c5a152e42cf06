/**
 * The IVR application (simulator/pbx/README.md "IVR"; ARCHITECTURE.md "Applications"): the route
 * target kind `ivr`, owning the numbers of the blocks that have one; its configuration keys
 * (`ivr`, `timeProfiles`, `timeZone`) and checks. A call to a block's number, or a forward to it,
 * starts an IvrSession there.
 */
import { list, rec } from '../../config/raw-fields.js';
import type { RouteTargetProvider } from '../../core/application.js';
import type { ApplicationModule } from '../application-module.js';
import { checkIvr } from './ivr-checks.js';
import { ivrPlan } from './ivr-plan.js';
import { IvrSession } from './ivr-session.js';


export const ivrProvider: RouteTargetProvider = {
  kind: 'ivr',
  numbers: (config) => ivrPlan(config).byNumber.keys(),
  start(ctx, call) {
    const plan = ivrPlan(ctx.config);
    const block = plan.byNumber.get(call.number);
    if (block === undefined) return call.finish({ disposition: 'failed', status: 404 });
    new IvrSession(ctx, plan, call, block).start();
  },
};

export const ivrModule: ApplicationModule = {
  provider: ivrProvider,
  ownedNumbers: (raw) =>
    list(raw.ivr).map(rec).flatMap((b, i) =>
      typeof b.number === 'string' || typeof b.number === 'number' ? [{ number: String(b.number), name: `IVR ${typeof b.name === 'string' ? b.name : String(b.number)}`, path: ['ivr', i, 'number'] }] : [],
    ),
  check: (raw, _known, report) => checkIvr(raw, report),
};

export { ivrConfigShape } from './ivr-schema.js';
