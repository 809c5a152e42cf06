export { AnsweringAgent, type AnsweringAgentOptions } from './answering-agent.js';
export { CallGenerator, type CallGeneratorOptions } from './call-generator.js';
export { signallingOnly } from './signalling-only.js';
export { percentile, responseTimes, type CallSummary } from './call-summary.js';
