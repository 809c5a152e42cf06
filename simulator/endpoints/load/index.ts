export { AnsweringAgent, type AnsweringAgentOptions } from './answering-agent.js';
export { CallGenerator, type CallGeneratorOptions, type DtmfMode } from './call-generator.js';
export { signallingOnly } from './signalling-only.js';
export { callMediaReport, mergedSummary, percentile, responseTimes, type CallMediaReport, type CallSummary } from './call-summary.js';
