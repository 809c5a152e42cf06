/** The simulated PBX: the B2BUA, its registrar, dialplan, call core, configuration and CDRs. */
export { Pbx, type PbxOptions } from './pbx.js';
export { Dialplan, type Route } from './dialplan.js';
export { PbxCall, type PbxCallEnd } from './call/pbx-call.js';
export type { Disposition, Reachable, RingTarget } from './core/ring-target.js';
export { CallControl } from './core/call-control.js';
export { PbxEventBus, type PbxEvent, type PbxEventType } from './core/events.js';
export { CallRouter, type Routing } from './call-router.js';
export { ringRounds, type HuntTerminal, type WebcallMode } from './hunt/ring-rounds.js';
