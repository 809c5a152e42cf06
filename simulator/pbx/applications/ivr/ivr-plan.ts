/**
 * The IVR of one PBX configuration as the runner reads it (simulator/pbx/README.md "IVR"): blocks
 * by name and by number, time profiles by name, the UTC offset, the prompt library, and the
 * number of digits each block collects (1, or its longest option key).
 */
import { PromptLibrary } from '../../../engine/media/prompt/index.js';
import type { PbxConfig } from '../../config/index.js';
import type { IvrBlock, TimeProfile } from './ivr-schema.js';
import { offsetMinutes } from './time-profile.js';

export interface IvrPlan {
  readonly blocks: ReadonlyMap<string, IvrBlock>;
  readonly byNumber: ReadonlyMap<string, IvrBlock>;
  readonly profiles: ReadonlyMap<string, TimeProfile>;
  /** Minutes east of UTC. */
  readonly offset: number;
  readonly prompts: PromptLibrary;
}

const plans = new WeakMap<PbxConfig, IvrPlan>();

export function ivrPlan(config: PbxConfig): IvrPlan {
  let plan = plans.get(config);
  if (plan === undefined) {
    plan = {
      blocks: new Map(config.ivr.map((b) => [b.name, b])),
      byNumber: new Map(config.ivr.flatMap((b) => (b.number === undefined ? [] : [[b.number, b] as const]))),
      profiles: new Map(config.timeProfiles.map((p) => [p.name, p])),
      offset: offsetMinutes(config.timeZone),
      prompts: PromptLibrary.bundled(),
    };
    plans.set(config, plan);
  }
  return plan;
}

/** The digits a block's menu collects at most: its longest digit option, at least 1. */
export function maxDigits(block: IvrBlock): number {
  return Math.max(1, ...Object.keys(block.options).filter((k) => k !== 'T' && k !== 'I').map((k) => k.length));
}
