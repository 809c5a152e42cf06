/** What the parts of a `SimNetwork` share: the clock and generator it was given, its hosts, links, timers and taps. */
import type { Clock } from '../clock/index.js';
import type { SeededRandom } from '../rng/index.js';
import type { SimHostTable } from './sim-hosts.js';
import type { SimLinkTable } from './sim-links.js';
import type { SimScheduler } from './sim-scheduler.js';
import type { TapSet } from './tap-set.js';

export interface SimContext {
  readonly clock: Clock;
  readonly rng: SeededRandom;
  readonly hosts: SimHostTable;
  readonly links: SimLinkTable;
  readonly scheduler: SimScheduler;
  readonly taps: TapSet;
}
