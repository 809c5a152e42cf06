/**
 * A phone actor: a simulated phone (endpoints/phone) registered to the scenario's PBX, driven by
 * call-level steps. Actions apply to "the call" a person would mean: `answer` the ringing call,
 * `hangup` and `hold` the active one, or the call with a named actor (matched on the remote
 * party's number). Expectations (`expect`, `hears`, `digits`) are predicates the runner polls
 * until they hold or their time limit passes (or, under `not`, must not hold for a period).
 * `hears: { prompt }` asks the call's prompt recogniser (media/prompt) which bundled prompt the
 * phone receives.
 */
import { PromptLibrary, type HeardPrompt } from '../../engine/media/prompt/index.js';
import { MUSIC_ON_HOLD_HZ, PROGRESS_TONE_HZ } from '../../engine/media/tone/index.js';
import { Phone, phoneAgentOptions, type PhoneCall, type PhoneOptions } from '../../endpoints/phone/index.js';
import { formatEndpoint } from '../../engine/net/index.js';
import { UserAgent } from '../../engine/ua/index.js';
import type { ActionStep, MediaFidelity, PhoneActorSpec, PhoneState } from '../model.js';
import { SIP_PORT, type ScenarioWorld } from './scenario-world.js';
import type { StepContext, StepOutcome } from './step-outcome.js';

const BUSY_STATUSES = [486, 600];
const SOUND_LABEL: Record<string, string> = { ringback: 'tone', 'busy-tone': 'tone', 'dial-tone': 'tone', 'music-on-hold': 'music-on-hold' };
const MOH = new Set<number>(MUSIC_ON_HOLD_HZ);

const promptText = (p: { name?: string; prompt?: string; language?: string }): string => `prompt ${p.name ?? p.prompt ?? ''}${p.language !== undefined ? ` (${p.language})` : ''}`;

const userOf = (uri: string): string | undefined => /^<?sips?:([^@;>]+)@/.exec(uri)?.[1];

/** A step not carried out; an expectation is polled until it holds, so what the phone is doing is described only when read. */
class Unmet {
  readonly ok = false;
  private described: string | undefined;

  constructor(
    readonly expected: string,
    private readonly actor: PhoneActor,
  ) {}

  get actual(): string {
    return (this.described ??= this.actor.describe());
  }
}

interface MwiWanted {
  readonly new?: number;
  readonly old?: number;
  readonly waiting?: boolean;
  readonly mailbox?: string;
}

export class PhoneActor {
  readonly kind = 'phone';
  readonly port = SIP_PORT;

  private constructor(
    readonly spec: PhoneActorSpec,
    readonly address: string,
    readonly phone: Phone,
    private readonly media: MediaFidelity,
  ) {}

  /** `historyLength`: how many ended calls the phone remembers (Phone's default when not given). */
  static async create(world: ScenarioWorld, spec: PhoneActorSpec, index: number, historyLength?: number): Promise<PhoneActor> {
    const address = world.actorAddress(spec, index);
    const transport = await world.sipTransport(address, spec.transport === 'tls');
    const target = formatEndpoint(world.targetFor(spec.transport));
    const registrar = `sip:${target}${spec.transport === 'udp' ? '' : `;transport=${spec.transport}`}`;
    const registration = { registrar, user: spec.user, ...(spec.password !== undefined && { password: spec.password }), expires: 3600 };
    const options: Partial<PhoneOptions> = {
      ...(spec.register && { register: registration }),
      outboundProxy: target,
      transport: spec.transport,
      media: world.scenario.world.media,
      ...(spec.dtmf !== undefined && { dtmfMode: spec.dtmf }),
      ...(spec.callWaiting !== undefined && { callWaiting: spec.callWaiting }),
      ...(spec.dnd !== undefined && { dnd: spec.dnd }),
      ...(spec.autoAnswerMs !== undefined && { autoAnswerAfterMs: spec.autoAnswerMs }),
      ...(spec.earlyMedia !== undefined && { earlyMedia: spec.earlyMedia }),
      ...(spec.mwi !== undefined && { mwi: { mailboxes: spec.mwi.mailboxes ?? [spec.number], ...(spec.mwi.subscribe !== undefined && { subscribe: spec.mwi.subscribe }) } }),
    };
    const agentOptions = phoneAgentOptions(options);
    const ua = new UserAgent({
      transport,
      rng: world.rng.fork(spec.name),
      ...agentOptions,
      ...(spec.password !== undefined && { credentials: { username: spec.user, password: spec.password } }),
      aor: `sip:${spec.user}@${target.slice(0, target.lastIndexOf(':'))}`,
    });
    const media = world.scenario.world.media;
    const phone = new Phone({
      ua,
      rng: world.rng.fork(`${spec.name}-media`),
      network: world.network,
      address,
      toneHz: spec.toneHz,
      ...(spec.profile !== undefined && { profile: spec.profile }),
      options,
      ...(media === 'packets' && { prompts: PromptLibrary.bundled() }),
      ...(historyLength !== undefined && { historyLength }),
    });
    // `register: false` only skips the REGISTER at the start: the phone still knows its registrar,
    // so that the `register` step can register it and it dials numbers at the PBX.
    if (!spec.register) phone.options.register = registration;
    return new PhoneActor(spec, address, phone, media);
  }

  get name(): string {
    return this.spec.name;
  }

  close(): void {
    this.phone.close();
  }

  /** Runs an action now, or (for an expectation) answers whether it holds now. */
  perform(step: ActionStep, ctx: StepContext): StepOutcome | 'pending' {
    const arg = step.arg;
    const fail = (expected: string): StepOutcome => new Unmet(expected, this);
    switch (step.verb) {
      case 'dial':
        this.phone.dial(ctx.dialString(String(arg)));
        return { ok: true };
      case 'answer':
      case 'reject':
      case 'deflect': {
        const call = this.ringingCall();
        if (call === undefined) return 'pending';
        const done = step.verb === 'answer' ? call.answer() : step.verb === 'reject' ? call.reject(arg === true ? 486 : Number(arg)) : call.deflect(ctx.dialString(String(arg)));
        return done ? { ok: true } : fail(`a ringing call to ${step.verb}`);
      }
      case 'hangup': {
        const call = this.selected(arg, ctx);
        if (call === undefined) return fail(typeof arg === 'string' ? `a call with ${arg} to hang up` : 'a call to hang up');
        call.hangUp();
        return { ok: true };
      }
      case 'hold':
      case 'resume': {
        const call = this.selected(arg, ctx, step.verb === 'resume' ? 'held' : undefined);
        const done = call !== undefined && (step.verb === 'hold' ? call.hold() : call.resume());
        return done ? { ok: true } : fail(step.verb === 'hold' ? 'a connected call to hold' : 'a held call to resume');
      }
      case 'toggle': {
        const held = this.phone.calls.find((c) => c.state === 'held');
        return held?.resume() === true ? { ok: true } : fail('a held call to go back to');
      }
      case 'dtmf': {
        const call = this.activeCall();
        if (call === undefined || call.session === undefined) return fail('a connected call to send DTMF in');
        call.sendDtmf(String(arg));
        return { ok: true };
      }
      case 'transfer':
        return this.transfer(arg, ctx) ? { ok: true } : fail('a call to transfer');
      case 'register':
        this.phone.register();
        return { ok: true };
      case 'unregister':
        this.phone.registration?.unregister();
        return { ok: true };
      case 'set': {
        const s = arg as { dnd?: boolean; callWaiting?: boolean; acceptTransfers?: boolean; autoAnswer?: string };
        const o = this.phone.options;
        if (s.dnd !== undefined) o.dnd = s.dnd;
        if (s.callWaiting !== undefined) o.callWaiting = s.callWaiting;
        if (s.acceptTransfers !== undefined) o.acceptTransfers = s.acceptTransfers;
        if (s.autoAnswer !== undefined) o.autoAnswerAfterMs = ctx.durationMs(s.autoAnswer);
        return { ok: true };
      }
      case 'expect':
        if (typeof arg === 'object' && arg !== null && 'mwi' in arg) return this.lamp((arg as { mwi: MwiWanted }).mwi);
        return this.inState(arg as PhoneState, step, ctx) ? { ok: true } : fail(`${arg as string}${step.status !== undefined ? ` (${step.status})` : ''}${step.with !== undefined ? ` with ${step.with}` : ''}`);
      case 'hears':
      case 'not-hears': {
        if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) return this.hearsPrompt(arg as { prompt: string; language?: string }, step, ctx);
        const heard = this.heard(step, ctx);
        const wanted = new Set((Array.isArray(arg) ? arg : [arg]).map((s: string) => (s === 'nothing' ? undefined : (SOUND_LABEL[s] ?? s))).filter((s) => s !== undefined));
        const ok = step.verb === 'hears' ? heard.size === wanted.size && [...wanted].every((w) => heard.has(w)) : [...wanted].every((w) => !heard.has(w));
        const words = [...heard].map((h) => (h === 'tone' ? 'a progress tone (425 Hz)' : h));
        return ok ? { ok: true } : { ok: false, expected: `${step.verb === 'hears' ? 'hears exactly' : 'does not hear'} ${[...wanted].join(', ') || 'nothing'}`, actual: `hears ${words.join(', ') || 'nothing'}; ${this.describe()}` };
      }
      case 'digits': {
        const call = step.with !== undefined ? this.callWith(step.with, ctx) : this.activeCall();
        const got = call?.digits().map((d) => d.digit).join('') ?? '';
        return got === arg ? { ok: true } : { ok: false, expected: `digits ${String(arg)}`, actual: `digits ${got || '(none)'}` };
      }
      default:
        return fail(`a phone action (not ${step.verb})`);
    }
  }

  private lamp(want: MwiWanted): StepOutcome {
    const expected = `message waiting ${Object.entries(want).map(([k, v]) => `${k} ${String(v)}`).join(', ')}`;
    const lamp = this.phone.mwi;
    if (lamp === undefined) return { ok: false, expected, actual: `${this.name} has no message waiting lamp: give the actor \`mwi: true\`` };
    const counts = lamp.counts(want.mailbox);
    const lit = want.mailbox === undefined ? lamp.lit : counts.new > 0;
    const ok = (want.new === undefined || want.new === counts.new) && (want.old === undefined || want.old === counts.old) && (want.waiting === undefined || want.waiting === lit);
    const refused = [...lamp.refused].map(([m, s]) => `${m} refused (${String(s)})`);
    return ok ? { ok: true } : { ok: false, expected, actual: `new ${counts.new}, old ${counts.old}, lamp ${lit ? 'lit' : 'off'}${refused.length > 0 ? `; ${refused.join(', ')}` : ''}` };
  }

  /** One line of what the phone is doing, for failure messages. */
  describe(): string {
    const calls = this.phone.calls.map((c) => `${c.direction === 'outgoing' ? 'call to' : 'call from'} ${userOf(c.remoteIdentity) ?? c.remoteIdentity} ${c.state}${c.waiting ? ' (waiting)' : ''}`);
    const last = this.phone.history.at(-1);
    const ended = last === undefined ? '' : `; last ended call: ${userOf(last.remoteIdentity) ?? last.remoteIdentity}${last.endStatus !== undefined ? ` (${last.endStatus})` : ''}`;
    const reg = this.phone.registration?.state ?? 'not registering';
    return `${this.name} is ${this.phone.state()} (${reg})${calls.length > 0 ? `: ${calls.join('; ')}` : ''}${ended}`;
  }

  private inState(state: PhoneState, step: ActionStep, ctx: StepContext): boolean {
    const calls = this.phone.calls;
    if (step.with !== undefined) {
      const call = this.callWith(step.with, ctx);
      if (state === 'idle') return call === undefined;
      if (call === undefined) return false;
      return state === 'ringback' ? call.state === 'ringing' || call.state === 'early' : state === 'ringing' ? call.direction === 'incoming' && call.state === 'ringing' : call.state === state || (state === 'connected' && call.state === 'remote-held');
    }
    switch (state) {
      case 'idle':
        return calls.length === 0;
      case 'ringing':
        return calls.some((c) => c.direction === 'incoming' && c.state === 'ringing');
      case 'call-waiting':
        return calls.some((c) => c.direction === 'incoming' && c.state === 'ringing' && c.waiting);
      case 'ringback':
        return calls.some((c) => c.direction === 'outgoing' && (c.state === 'ringing' || c.state === 'early'));
      case 'connected':
        return this.phone.state() === 'in-call';
      case 'held':
        return calls.some((c) => c.state === 'held');
      case 'remote-held':
        return calls.some((c) => c.state === 'remote-held');
      case 'busy':
      case 'failed': {
        const lastOutgoing = this.lastOutgoing();
        const status = lastOutgoing?.state === 'ended' ? lastOutgoing.endStatus : undefined;
        if (status === undefined) return false;
        if (step.status !== undefined) return status === step.status;
        return state === 'busy' ? BUSY_STATUSES.includes(status) : status >= 300;
      }
      case 'registered':
        return this.phone.registration?.state === 'registered';
      case 'unregistered': {
        // Not while the un-REGISTER is on its way: the binding holds until the registrar's 200.
        const reg = this.phone.registration?.state;
        return reg !== 'registered' && reg !== 'unregistering';
      }
    }
  }

  /** The last call this phone placed, live or ended (a load run polls this phone every few ms: no copy of its history). */
  private lastOutgoing(): PhoneCall | undefined {
    const calls = this.phone.calls;
    for (let i = calls.length - 1; i >= 0; i--) if (calls[i]!.direction === 'outgoing') return calls[i];
    const history = this.phone.history;
    for (let i = history.length - 1; i >= 0; i--) if (history[i]!.direction === 'outgoing') return history[i];
    return undefined;
  }

  /** `hears: { prompt, language }`: the call in question is hearing that prompt now. */
  private hearsPrompt(want: { prompt: string; language?: string }, step: ActionStep, ctx: StepContext): StepOutcome {
    const expected = `hears ${promptText(want)}`;
    if (this.media !== 'packets') return { ok: false, expected, actual: 'no audio: prompts are recognised in the audio received, and need `world.media: packets`' };
    const call = step.with !== undefined ? this.callWith(step.with, ctx) : this.activeCall();
    const heard: HeardPrompt | undefined = call?.hearsPrompt();
    if (heard !== undefined && heard.name === want.prompt && (want.language === undefined || heard.language === want.language)) return { ok: true };
    const sounds = [...this.heard(step, ctx)].map((h) => (h === 'tone' ? 'a progress tone (425 Hz)' : h));
    const now = heard !== undefined ? `hears ${promptText(heard)}` : `hears no prompt${sounds.length > 0 ? ` (hears ${sounds.join(', ')})` : ''}`;
    return { ok: false, expected, actual: `${call === undefined ? 'no call; ' : ''}${now}; ${this.describe()}` };
  }

  /** What the call in question hears, as labels: actor names, `tone`, `music-on-hold`. */
  private heard(step: ActionStep, ctx: StepContext): Set<string> {
    const call = step.with !== undefined ? this.callWith(step.with, ctx) : this.activeCall();
    const labels = new Set<string>();
    for (const hz of call?.hears() ?? []) {
      if (hz === PROGRESS_TONE_HZ) labels.add('tone');
      else if (MOH.has(hz)) labels.add('music-on-hold');
      else labels.add(ctx.actorByTone(hz) ?? `${hz} Hz`);
    }
    return labels;
  }

  private transfer(arg: unknown, ctx: StepContext): boolean {
    if (typeof arg === 'string') return this.activeCall()?.transferBlind(ctx.dialString(arg)) === true;
    const t = arg as { blind?: string; attended?: string };
    if (t.blind !== undefined) return this.activeCall()?.transferBlind(ctx.dialString(t.blind)) === true;
    const consultation = this.callWith(t.attended!, ctx);
    const other = this.phone.calls.find((c) => c !== consultation && c.session !== undefined);
    return consultation !== undefined && other !== undefined && other.transferAttended(consultation);
  }

  private ringingCall(): PhoneCall | undefined {
    return this.phone.calls.filter((c) => c.direction === 'incoming' && (c.state === 'ringing' || c.state === 'early')).at(-1);
  }

  /** The connected call, else the newest one. */
  private activeCall(): PhoneCall | undefined {
    const calls = this.phone.calls;
    return calls.find((c) => c.state === 'connected' || c.state === 'remote-held') ?? calls.at(-1);
  }

  private selected(arg: unknown, ctx: StepContext, state?: string): PhoneCall | undefined {
    if (typeof arg === 'string') return this.callWith(arg, ctx);
    if (state !== undefined) return this.phone.calls.find((c) => c.state === state);
    return this.activeCall();
  }

  /** The live call whose remote party is `actor` (by its number or SIP user). */
  private callWith(actor: string, ctx: StepContext): PhoneCall | undefined {
    const ids = ctx.identities(actor);
    return this.phone.calls.find((c) => ids.includes(userOf(c.remoteIdentity) ?? ''));
  }
}
