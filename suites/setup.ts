/**
 * Shared test setup. Property tests run with a fixed fast-check seed (override with FC_SEED to
 * explore, FC_RUNS for more runs); fast-check prints the seed and path of any failure it finds.
 */
import fc from 'fast-check';

export const PROPERTY_SEED = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : 0x5eed2026;

fc.configureGlobal({
  seed: PROPERTY_SEED,
  numRuns: process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : 200,
  interruptAfterTimeLimit: 30_000,
  markInterruptAsFailure: true,
});
