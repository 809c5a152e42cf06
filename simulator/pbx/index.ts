/** The simulated PBX: the B2BUA, its registrar, dialplan, call core, configuration and CDRs. */
export { Pbx, type PbxOptions } from './pbx.js';
export { Dialplan, type Route } from './dialplan.js';
export { PbxCall, type PbxCallEnd, type Disposition, type Reachable } from './call/pbx-call.js';
export { ringRounds, type HuntTerminal, type WebcallMode } from './hunt/ring-rounds.js';
