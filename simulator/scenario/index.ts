/** The YAML scenario language: schema, loader, runner. */
export { scenarioSchema, ACTOR_NAME, PHONE_STATES, SOUNDS, BARE_VERBS, ACTION_VERBS, type ScenarioFile } from './schema.js';
export { scenarioJsonSchema } from './json-schema.js';
export { loadScenario, parseScenario } from './load-scenario.js';
export { findScenarioFiles, loadScenarios, withTags, isScenarioFile, type LoadedScenarios } from './scenario-files.js';
export { durationMs, formatDuration } from './duration.js';
export { runScenario, type RunOptions } from './runner/run-scenario.js';
export type { Scenario, ScenarioStep, ScenarioCheck, ActorSpec } from './model.js';
export type * from './result.js';
export type { LoadBaseline, LoadOutcome, LoadProgress } from './load/run-load.js';
export type { LoadSeriesRow, LoadSummary } from './load/load-summary.js';
