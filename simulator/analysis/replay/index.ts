/** Turning a captured call into a scenario that plays it back (issue 7, `pbxlab replay`). */
export { planReplay, ReplayError, type ReplayParty, type ReplayPlan } from './replay-plan.js';
export { actorSteps, type ActorStep, type ReceiveMatcher, type SendTemplate } from './actor-templates.js';
export { replayScenario, type ReplayScenarioOptions } from './replay-scenario.js';
export { SipAnonymizer } from './sip-anonymizer.js';
