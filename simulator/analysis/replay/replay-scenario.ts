/**
 * A captured call as a scenario file (scenarios/README.md): the replayed parties are raw-message
 * actors, the far end is the scenario's PBX or a device under test, and the steps follow the
 * capture's order; a message a party sent to another party goes `to` it. A send
 * waits as long as the party waited in the capture; a receive allows twice the captured delay
 * (at least 2 s); a 100 Trying is optional, because a PBX sends it only when the answer is slow
 * (RFC 3261 17.2.1). Each step carries the captured message's time, addresses and first line.
 */
import { Document, isMap, isSeq, type YAMLMap } from 'yaml';
import type { Endpoint } from '../../engine/net/index.js';
import { actorSteps, type ActorStep } from './actor-templates.js';
import type { ReplayParty, ReplayPlan } from './replay-plan.js';
import type { TracedSipMessage } from '../sip/sip-trace-entry.js';

export interface ReplayScenarioOptions {
  /** The capture's file name, for the description. */
  readonly captureName: string;
  readonly callId: string;
  /** The far end: `world.pbx` as written into the file (a path relative to the scenario), or `world.device` (`udp:HOST:PORT`). */
  readonly world: { readonly pbx: string } | { readonly device: string };
  /** The password of a SIP user, for parties that answered a challenge. */
  readonly passwordOf: (user: string) => string | undefined;
  /** ADDRESS:PORT the chosen party (the plan's first) listens on, for a device that calls it. */
  readonly listen?: string;
}

/** A send later than this after the previous message waits for the difference first. */
const MIN_WAIT_MS = 20;
const MIN_WITHIN_MS = 2000;
/** Against a device, a scenario that starts by receiving waits this long for the device to call. */
const FIRST_CALL_WITHIN_MS = 60_000;

export function replayScenario(plan: ReplayPlan, options: ReplayScenarioOptions): string {
  // A message between two parties is two steps: one sends it, then the other receives it.
  const stepsOf = new Map<TracedSipMessage, { party: ReplayParty; step: ActorStep }[]>();
  for (const party of plan.parties) {
    const own = plan.messages.filter((m) => same(m.entry.src, party.endpoint) || same(m.entry.dst, party.endpoint));
    const others = plan.parties.filter((p) => p !== party);
    for (const step of actorSteps(party, plan.pbx, others, own)) {
      const list = stepsOf.get(step.source) ?? [];
      list.push({ party, step });
      list.sort((a, b) => (a.step.kind === 'send' ? 0 : 1) - (b.step.kind === 'send' ? 0 : 1));
      stepsOf.set(step.source, list);
    }
  }
  const start = plan.messages[0]?.entry.at ?? 0;
  const steps: { value: Record<string, unknown>; comment: string }[] = [];
  let previous = start;
  plan.messages.forEach((m, i) => {
    const gap = Math.max(0, Math.round(m.entry.at - previous));
    previous = m.entry.at;
    const comment = ` F${i + 1} +${((m.entry.at - start) / 1000).toFixed(3)}s ${m.entry.src.address}:${m.entry.src.port} -> ${m.entry.dst.address}:${m.entry.dst.port} ${m.message.startLine}`;
    for (const { party, step } of stepsOf.get(m) ?? []) {
      if (step.kind === 'send') {
        if (gap >= MIN_WAIT_MS) steps.push({ value: { wait: `${gap}ms` }, comment: ` ${party.name} waited ${gap} ms in the capture` });
        // A request to another party goes `to` it; a response goes back where its request came from.
        const to = m.message.kind === 'request' ? plan.parties.find((p) => same(p.endpoint, m.entry.dst)) : undefined;
        const send = step.authorize || to !== undefined ? { ...(to !== undefined && { to: to.name }), ...(step.authorize && { authorize: true }), message: `${step.text}\n` } : `${step.text}\n`;
        steps.push({ value: { [party.name]: { send } }, comment });
        continue;
      }
      const receive: Record<string, unknown> = {
        ...(step.request !== undefined ? { request: step.request } : { response: step.response }),
        headers: Object.fromEntries(step.headers),
        ...(step.body !== undefined && { body: step.body }),
      };
      const optional = step.response === 100;
      const within = steps.length === 0 && 'device' in options.world ? FIRST_CALL_WITHIN_MS : Math.max(MIN_WITHIN_MS, gap * 2);
      steps.push({ value: { [party.name]: { receive, within: `${within}ms`, ...(optional && { optional: true }) } }, comment });
    }
  });

  const actors: Record<string, unknown> = {};
  plan.parties.forEach((p, i) => {
    const password = p.authUser === undefined ? undefined : options.passwordOf(p.authUser);
    const listen = i === 0 ? options.listen : undefined;
    actors[p.name] = { raw: p.transport, ...(listen !== undefined && { listen }), ...(p.authUser !== undefined && { user: p.authUser }), ...(password !== undefined && { password }) };
  });
  const farEnd = 'device' in options.world ? `the device ${options.world.device}` : 'the PBX';
  const doc = new Document({
    name: `Replay of call ${options.callId}`,
    description: `Made by pbxlab replay from ${options.captureName}: ${plan.parties.map((p) => `${p.name} (${p.endpoint.address}:${p.endpoint.port})`).join(', ')} as raw actors against ${farEnd} (captured at ${plan.pbx.address}:${plan.pbx.port}).`,
    tags: ['replay'],
    world: { ...options.world, media: 'off' },
    actors,
    steps: steps.map((s) => s.value),
  });
  const items = doc.get('steps', true);
  if (isSeq(items)) {
    items.items.forEach((item, i) => {
      if (isMap(item)) (item as YAMLMap).commentBefore = steps[i]!.comment;
    });
  }
  for (const p of plan.parties) {
    if (p.authUser !== undefined && options.passwordOf(p.authUser) === undefined) {
      const node = doc.getIn(['actors', p.name], true);
      if (isMap(node)) node.comment = ` no password known for ${p.authUser}: add it for authorize (pbxlab replay --credentials)`;
    }
  }
  return doc.toString({ lineWidth: 0, blockQuote: 'literal' });
}

function same(a: Endpoint, b: Endpoint): boolean {
  return a.address === b.address && a.port === b.port;
}
