/**
 * The IVR's checks of the raw PBX configuration (simulator/pbx/README.md "IVR"), each reported at
 * the path of the offending node, with did-you-mean hints as in config/cross-checks.ts: block
 * names used twice, unknown blocks, extensions, ring groups, time profiles and prompts (the
 * bundled PromptLibrary's names), opening hours that end before they start, and the actions this
 * PBX cannot run yet (queue, voice portal); a `voicemail` action names an extension with a mailbox.
 */
import { didYouMean } from '../../../config/did-you-mean.js';
import { PromptLibrary } from '../../../engine/media/prompt/index.js';
import { rawExtensions } from '../../config/extension-range.js';
import { list, rec, str, type Fields } from '../../config/raw-fields.js';
import type { ConfigReport } from '../application-module.js';
import { DAYS, OPTION_KEY, UNAVAILABLE_ACTIONS } from './ivr-schema.js';
import { openingMinutes } from './time-profile.js';


const UNAVAILABLE_TEXT: Record<(typeof UNAVAILABLE_ACTIONS)[number], string> = { queue: 'a queue', portal: 'the voice portal' };

interface Known {
  blocks: string[];
  extensions: string[];
  mailboxes: string[];
  ringGroups: string[];
  profiles: string[];
  prompts: PromptLibrary;
}

export function checkIvr(raw: Fields, report: ConfigReport): void {
  const blocks = list(raw.ivr).map(rec);
  const known: Known = {
    blocks: blocks.map((b) => str(b.name)).filter((n) => n !== undefined),
    extensions: rawExtensions(raw.extensions).map((e) => str(e.node.number)).filter((n) => n !== undefined),
    mailboxes: rawExtensions(raw.extensions).filter((e) => rec(e.node.features).voicemail !== false).map((e) => str(e.node.number)).filter((n) => n !== undefined),
    ringGroups: list(raw.ringGroups).map((g) => str(rec(g).number)).filter((n) => n !== undefined),
    profiles: list(raw.timeProfiles).map((p) => str(rec(p).name)).filter((n) => n !== undefined),
    prompts: PromptLibrary.bundled(),
  };
  checkNames(blocks.map((b) => b.name), ['ivr'], 'block', report);
  checkNames(list(raw.timeProfiles).map((p) => rec(p).name), ['timeProfiles'], 'time profile', report);
  blocks.forEach((block, i) => {
    const at = (...rest: PropertyKey[]): PropertyKey[] => ['ivr', i, ...rest];
    for (const key of ['prompt', 'timeoutPrompt', 'invalidPrompt', 'outOfHoursPrompt'] as const) checkPrompt(block[key], at(key), known, report);
    const rating = rec(block.rating);
    for (const key of ['prompt', 'thanks'] as const) checkPrompt(rating[key], at('rating', key), known, report);
    const profile = str(block.timeProfile);
    if (profile !== undefined && !known.profiles.includes(profile)) report(at('timeProfile'), `unknown time profile \`${profile}\`${didYouMean(profile, known.profiles)}`);
    for (const [key, action] of Object.entries(rec(block.options))) {
      if (!OPTION_KEY.test(key)) report(at('options', key), `\`${key}\` is no option: an option is 1 to 8 of 0-9, * and # (quoted), or T (timeout) or I (invalid)`);
      checkAction(rec(action), at('options', key), known, report);
    }
    if (block.outOfHours !== undefined) checkAction(rec(block.outOfHours), at('outOfHours'), known, report);
  });
  list(raw.timeProfiles).forEach((p, i) => {
    for (const day of DAYS) {
      const hours = str(rec(p)[day]);
      if (hours === undefined || hours === '00:00-00:00' || !/^\d\d:\d\d-\d\d:\d\d$/.test(hours)) continue;
      if (openingMinutes(hours) === undefined) report(['timeProfiles', i, day], `${hours} ends before it starts (a span past midnight is two days' spans)`);
    }
  });
}

function checkNames(names: unknown[], path: PropertyKey[], what: string, report: ConfigReport): void {
  const seen = new Set<string>();
  names.forEach((name, i) => {
    if (typeof name !== 'string') return;
    if (seen.has(name)) report([...path, i, 'name'], `${what} ${name} is already defined`);
    seen.add(name);
  });
}

function checkPrompt(name: unknown, path: PropertyKey[], known: Known, report: ConfigReport): void {
  // Without the bundled prompts (a package installed without fixtures/) names cannot be checked.
  if (typeof name !== 'string' || known.prompts.size === 0 || known.prompts.has(name)) return;
  report(path, `no prompt is called \`${name}\`${didYouMean(name, known.prompts.names())} (prompts: ${known.prompts.names().join(', ')})`);
}

function checkAction(action: Fields, path: PropertyKey[], known: Known, report: ConfigReport): void {
  checkPrompt(action.play, [...path, 'play'], known, report);
  const block = str(action.block);
  if (block !== undefined && !known.blocks.includes(block)) report([...path, 'block'], `unknown block \`${block}\`${didYouMean(block, known.blocks)}`);
  const extension = str(action.extension);
  if (extension !== undefined && !known.extensions.includes(extension)) report([...path, 'extension'], `unknown extension ${extension}${didYouMean(extension, known.extensions)}`);
  const mailbox = str(action.voicemail);
  if (mailbox !== undefined && !known.mailboxes.includes(mailbox)) report([...path, 'voicemail'], `no mailbox ${mailbox}${didYouMean(mailbox, known.mailboxes)}`);
  const group = str(action.ringGroup);
  if (group !== undefined && !known.ringGroups.includes(group)) report([...path, 'ringGroup'], `unknown ring group ${group}${didYouMean(group, known.ringGroups)}`);
  for (const key of UNAVAILABLE_ACTIONS) {
    if (action[key] !== undefined) report([...path, key], `${UNAVAILABLE_TEXT[key]} (\`${key}\`) is not available on this PBX yet`);
  }
}
