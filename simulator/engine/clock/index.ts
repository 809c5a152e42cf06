export type { Clock, Timer } from './clock.js';
export { every } from './clock.js';
export { VirtualClock, DEFAULT_START_EPOCH_MS, type VirtualClockOptions, type RunLimits } from './virtual-clock.js';
export { RealClock, type RealClockOptions } from './real-clock.js';
