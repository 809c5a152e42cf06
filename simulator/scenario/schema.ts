/**
 * The scenario file format (ARCHITECTURE.md "Scenarios"), written once with zod: the loader
 * validates with it, and `scenarios/schema.json` is generated from it for editors.
 *
 * A scenario names its world (the PBX, the network, the start time, the media fidelity), its
 * actors (simulated phones registered to the PBX, raw-message actors that send and receive SIP
 * text), its steps, and the checks run at the end over the capture and the call records.
 *
 * A step is a one-key map: `wait`, `end`, or an actor's name with what that actor does or
 * expects. Phone actors work at call level (`dial`, `answer`, `hold`, `transfer`, `expect`,
 * `hears` ...); raw actors at message level (`send`, `receive`, as in SIPp's XML). An action is
 * a word (`- bob: answer`) or a map with one verb and its modifiers (`- bob: { expect: ringing,
 * within: 2s }`). `not` holds an expectation that must not come true for a period, and the
 * `events` check matches the PBX's events (scenarios/README.md "Steps" and "Checks").
 */
import { z } from 'zod';
import { PROMPT_LANGUAGES } from '../engine/media/prompt/index.js';
import { pbxConfigSchema } from '../pbx/config/index.js';
import { durationOr, durationSchema } from './duration.js';

export const ACTOR_NAME = /^[a-z][a-z0-9_-]*$/;
/** Words a step may start with that are not actors. */
export const RESERVED_STEP_KEYS = ['wait', 'end'] as const;

/** Actions without an argument, written as a bare word. */
export const BARE_VERBS = ['answer', 'reject', 'hangup', 'hold', 'resume', 'toggle', 'register', 'unregister'] as const;

/** What `expect` can wait for on a phone. */
export const PHONE_STATES = [
  'idle',
  'ringing',
  'call-waiting',
  'ringback',
  'connected',
  'held',
  'remote-held',
  'busy',
  'failed',
  'registered',
  'unregistered',
] as const;

/** What `hears` can name besides actors: the PBX's tones (one 425 Hz ear for the three) and music on hold. */
export const SOUNDS = ['ringback', 'busy-tone', 'dial-tone', 'music-on-hold', 'nothing'] as const;

const actorRef = z.string().regex(ACTOR_NAME, { error: 'an actor name: lower case letters, digits, - and _' });
/** A number to dial, a service code, or an actor (dialled by its number). */
const dialTarget = z.string().min(1).describe('What to dial: an actor (its number), an extension, a service code such as *8, or a SIP URI');
const status = z.number().int().min(300).max(699);

const sendSchema = z.union([
  z.string().min(1).describe('The message, with ${variables}'),
  z.strictObject({
    message: z.string().min(1).describe('The message, with ${variables}'),
    to: actorRef.optional().describe('Where a request goes: `pbx`, `device` or an actor (default: the simulated PBX, else the device). Responses go where the request came from.'),
    authorize: z.boolean().optional().describe('Add Authorization (or Proxy-Authorization) answering the last 401/407 this actor received'),
  }),
]);

const headerMatch = z
  .record(z.string(), z.string().nullable())
  .describe('Header name → regular expression; named groups capture into variables. `null` (~): the message must not have the header');
const messageMatch = z.strictObject({
  request: z.string().regex(/^[A-Z]+$/, { error: 'a SIP method in capitals, such as INVITE' }).optional(),
  response: z.union([z.number().int().min(100).max(699), z.string().regex(/^[1-6]xx$/, { error: 'a status (180) or a class (2xx)' })]).optional(),
  headers: headerMatch.optional(),
  body: z.string().optional().describe('A regular expression the body must match; named groups capture'),
});
const matchSchema = z.union([z.string().regex(/^[A-Z]+$/), z.number().int().min(100).max(699), messageMatch]);
const receiveSchema = z.union([matchSchema, z.array(matchSchema).min(1)]).describe('A method (INVITE), a status (180), a map {request|response, headers, body}, or a list');

const transferSchema = z.union([
  dialTarget.describe('Blind transfer (REFER) of the active call to this target'),
  z.strictObject({ blind: dialTarget.optional(), attended: actorRef.optional().describe('Attended transfer: the other call is transferred to the call with this actor') }),
]);

const phoneSettings = z.strictObject({
  dnd: z.boolean().optional(),
  callWaiting: z.boolean().optional(),
  acceptTransfers: z.boolean().optional(),
  autoAnswer: durationSchema.optional(),
});

/** A phone's message waiting lamp: its mailboxes' counts added up (RFC 3842 message-summary). */
const mwiExpectation = z
  .strictObject({
    mwi: z
      .strictObject({
        new: z.number().int().min(0).optional().describe('New (unheard) messages'),
        old: z.number().int().min(0).optional().describe('Old (heard) messages'),
        waiting: z.boolean().optional().describe('The lamp is lit (Messages-Waiting: yes)'),
        mailbox: z.string().optional().describe('Only this mailbox (default: every mailbox the phone watches)'),
      })
      .describe("What the phone's message waiting lamp shows (the actor needs `mwi`)"),
  })
  .describe('The message waiting indication');
const expectSchema = z.union([z.enum(PHONE_STATES), mwiExpectation]);

const hearsSchema = z.union([z.string(), z.array(z.string()).min(1)]).describe('Exactly what is heard: actors, ringback, busy-tone, dial-tone, music-on-hold, or nothing');
const promptHeard = z
  .strictObject({
    prompt: z.string().min(1).describe('A bundled prompt (fixtures/audio/prompts): welcome, support-menu, ivr-invalid, ivr-timeout, ...'),
    language: z.enum(PROMPT_LANGUAGES).optional().describe('In this language (default: any)'),
  })
  .describe('The prompt heard now, recognised in the audio the phone receives');
const hearsOrPrompt = z.union([hearsSchema, promptHeard]);

const notSchema = z
  .strictObject({
    expect: z.enum(PHONE_STATES).optional().describe('A state that must not be reached'),
    hears: hearsOrPrompt.optional().describe('What must not be heard'),
    for: durationSchema.describe('How long it must not happen (the step takes all of it)'),
    with: actorRef.optional().describe('The call with this actor'),
    status: status.optional().describe('With expect: failed/busy, the final status'),
  })
  .describe('An expectation that must not hold at any moment of a period');

/** One action: a verb and its modifiers. The loader checks there is exactly one verb. */
export const actionObjectSchema = z.strictObject({
  dial: dialTarget.optional(),
  answer: z.literal(true).optional(),
  reject: z.union([z.literal(true), status]).optional().describe('Reject the ringing call (486 by default)'),
  deflect: dialTarget.optional().describe('Deflect the ringing call with a 302 to this target'),
  hangup: z.union([z.literal(true), actorRef]).optional().describe('Hang up the active call, or the call with this actor'),
  hold: z.union([z.literal(true), actorRef]).optional(),
  resume: z.union([z.literal(true), actorRef]).optional(),
  toggle: z.literal(true).optional().describe('Swap the held and the active call'),
  dtmf: z.string().regex(/^[0-9*#A-D]+$/, { error: 'DTMF digits: 0-9, *, #, A-D' }).optional(),
  transfer: transferSchema.optional(),
  register: z.literal(true).optional(),
  unregister: z.literal(true).optional(),
  set: phoneSettings.optional().describe('Change the phone settings from now on'),
  expect: expectSchema.optional(),
  hears: hearsOrPrompt.optional(),
  'not-hears': hearsSchema.optional(),
  not: notSchema.optional(),
  digits: z.string().regex(/^[0-9*#A-D]+$/).optional().describe('The digits received so far in the call'),
  send: sendSchema.optional(),
  receive: receiveSchema.optional(),
  // Modifiers
  within: durationSchema.optional().describe('Time limit of an expectation (default: defaults.within)'),
  with: actorRef.optional().describe('The call with this actor (for expect, hears, digits)'),
  status: status.optional().describe('With expect: failed/busy, the final status'),
  optional: z.boolean().optional().describe('receive: skip this step when the next message does not match'),
  unordered: z.boolean().optional().describe('receive a list: in any order'),
});

export const ACTION_VERBS = [
  'dial',
  'answer',
  'reject',
  'deflect',
  'hangup',
  'hold',
  'resume',
  'toggle',
  'dtmf',
  'transfer',
  'register',
  'unregister',
  'set',
  'expect',
  'hears',
  'not-hears',
  'not',
  'digits',
  'send',
  'receive',
] as const satisfies readonly (keyof z.infer<typeof actionObjectSchema>)[];
export const RAW_VERBS = ['send', 'receive'] as const;

export const actionSchema = z.union([z.enum(BARE_VERBS), actionObjectSchema]);

export const stepSchema = z
  .strictObject({
    wait: durationOr('hold').optional().describe('Let scenario time pass (in a load scenario, `hold`: the call\'s hold time)'),
    end: z.literal(true).optional().describe('End the scenario here (the checks still run); steps after it are an error'),
  })
  .catchall(actionSchema)
  .describe('One step: `wait`, `end`, or an actor name with its action');

const networkSchema = z.strictObject({
  latency: durationSchema.optional(),
  jitter: durationSchema.optional(),
  loss: z.number().min(0).max(100).optional().describe('Per cent of datagrams lost'),
  duplicate: z.number().min(0).max(100).optional().describe('Per cent of datagrams delivered twice'),
});

const phoneActor = z.strictObject({
  phone: z.string().min(1).describe('The SIP user it registers as (an extension number or a terminal user)'),
  password: z.string().optional().describe('Default: the password in the PBX configuration'),
  transport: z.enum(['udp', 'tcp', 'tls']).optional().describe('How it reaches the PBX or device (default udp); tls: the simulated PBX on port 5061'),
  profile: z.enum(['e-phone', 'comfortel', 'webcall']).optional(),
  register: z.boolean().optional().describe('Register at the start (default true)'),
  dtmf: z.enum(['rfc4733', 'inband', 'info']).optional(),
  callWaiting: z.boolean().optional(),
  dnd: z.boolean().optional(),
  autoAnswer: durationSchema.optional(),
  earlyMedia: z.boolean().optional(),
  mwi: z
    .union([z.literal(true), z.strictObject({ mailboxes: z.array(z.string().min(1)).min(1).optional(), subscribe: z.boolean().optional() })])
    .optional()
    .describe('Subscribe to message waiting (RFC 3842) for its own mailbox (true) or these, and keep a lamp; `subscribe: false` only takes unsolicited NOTIFYs'),
  network: networkSchema.optional().describe('Conditions of the link between this actor and the PBX'),
});

const rawActor = z.strictObject({
  raw: z.enum(['udp', 'tcp', 'tls']).describe('A raw-message actor on this transport (tls: the certificate is not verified)'),
  listen: z.string().optional().describe('ADDRESS:PORT it binds (UDP) or connects from (default: the world gives it one); for a device that calls it'),
  user: z.string().optional().describe('Credentials for `authorize`'),
  password: z.string().optional(),
  network: networkSchema.optional(),
});

export const actorSchema = z.union([phoneActor, rawActor]);

const checkSchema = z.strictObject({
  'no-sip-errors': z.union([z.literal(true), z.strictObject({ except: z.array(z.number().int().min(400).max(699)) })]).optional().describe('No final response >= 400 other than answered challenges and the listed statuses'),
  'no-retransmissions': z.literal(true).optional(),
  'trying-within': durationSchema.optional().describe('Every INVITE gets a provisional or final response within this time'),
  'reregister-before-expiry': z.literal(true).optional(),
  rtp: z
    .strictObject({
      'max-loss': z.number().min(0).max(100).optional().describe('Per cent, per stream'),
      'max-jitter': durationSchema.optional(),
      'min-streams': z.number().int().min(0).optional(),
    })
    .optional(),
  cdr: z
    .array(z.record(z.string(), z.unknown()))
    .optional()
    .describe('The call records, in order: each map lists fields that must match (caller, callee, disposition, duration, links ...)'),
  events: z
    .array(
      z
        .strictObject({ type: z.string().min(1).describe('The event type, e.g. call-answered or ivr-option') })
        .catchall(z.union([z.string(), z.number(), z.boolean()]))
        .describe('Fields the event must have; values compare as text, `/REGEX/` as a regular expression'),
    )
    .min(1)
    .optional()
    .describe("The PBX's events, in order (others may come between): each map must match a later event than the one before"),
  email: z
    .array(
      z
        .strictObject({
          to: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional().describe('Every recipient, in any order'),
          from: z.string().min(1).optional().describe('The From address, or `/REGEX/` over the whole From header'),
          subject: z.string().optional().describe('The subject, or `/REGEX/`'),
          body: z.string().optional().describe('Text the body contains, or `/REGEX/`'),
          attachment: z.union([z.boolean(), z.string().min(1)]).optional().describe('true: an attachment; false: none; a file name (or `/REGEX/`) one attachment has'),
        })
        .describe('What one e-mail must be'),
    )
    .min(1)
    .optional()
    .describe("Notification e-mail the PBX sent (the world's mail drop), in order (others may come between): each map must match a later e-mail than the one before"),
  recording: z
    .strictObject({
      from: z.string().min(1).optional().describe('The origin: an actor or a number'),
      to: z.string().min(1).optional().describe('The destination (the number dialled): an actor or a number'),
      participants: z.array(z.string().min(1)).optional().describe('Everyone who took part, in the order they joined (actors or numbers)'),
      minDurationMs: z.number().int().min(0).optional().describe('The audio lasts at least this long'),
      maxDurationMs: z.number().int().min(0).optional().describe('The audio lasts at most this long'),
      channels: z.enum(['stereo', 'mixed']).optional(),
      reason: z.enum(['line', 'incoming', 'service-code', 'api']).optional(),
      part: z.number().int().min(1).optional(),
      type: z.enum(['originated', 'received']).optional(),
      access: z.string().min(1).optional().describe('The first extension that took part'),
      fileName: z.string().min(1).optional().describe('The file name, or `/REGEX/`'),
      left: z.array(z.string().min(1)).optional().describe('Actors heard on the left channel (a stereo file), and not on the right'),
      right: z.array(z.string().min(1)).optional().describe('Actors heard on the right channel, and not on the left'),
      count: z.number().int().min(0).default(1).describe('How many stored recordings match (0: none was stored)'),
    })
    .optional()
    .describe('The recordings the PBX stored (simulator/pbx/README.md "Recording"): `count` of them match every field given'),
});

const rate = z.string().regex(/^\d+(\.\d+)?\/(s|min|h)$/, { error: 'a rate such as 20/s, 300/min or 3600/h' });
const loadSchema = z
  .strictObject({
    calls: z.number().int().min(1).optional().describe('How many calls to start'),
    duration: durationSchema.optional().describe('Start calls for this long'),
    arrival: z
      .union([
        z.literal('incoming').describe('No arrival process: a script starts when a call from outside reaches a free phone of the pool'),
        rate.describe('A constant rate'),
        z.strictObject({ poisson: rate.describe('Poisson arrivals at this mean rate') }),
        z.strictObject({ ramp: z.strictObject({ from: rate, to: rate, over: durationSchema }) }),
      ])
      .describe('When calls start'),
    concurrency: z.number().int().min(1).optional().describe('At most this many calls at once (default 1000): an arrival waits for a free place'),
    hold: z.union([durationSchema, z.strictObject({ exponential: durationSchema.describe('The mean') })]).optional().describe('The hold time `wait: hold` waits (default 0s)'),
    pools: z
      .record(actorRef, z.array(z.union([z.string().min(1), z.strictObject({ range: z.string().describe('The SIP users FIRST to LAST, e.g. "2000-2999"') })])).min(1))
      .optional()
      .describe('Actor → the SIP users that play it, one free one per call (default: the actor alone); { range: "2000-2999" } for a block'),
    variables: z.string().min(1).optional().describe('A CSV file (relative to this file): a header row of names, then one row per call, used as ${name}'),
    interval: durationSchema.default('1s').describe('The time series interval'),
  })
  .describe('Runs the steps as the script of one call, many times (scenarios/README.md "Load")');

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, { error: 'a tag: lower case, digits, . _ -' })).default([]),
  seed: z.number().int().min(0).optional().describe('Default seed (the CLI --seed overrides it)'),
  world: z.strictObject({
    pbx: z.union([z.string().min(1).describe('A PBX configuration file, relative to this file'), pbxConfigSchema]).optional(),
    device: z
      .string()
      .regex(/^(udp|tcp|tls):/i, { error: 'udp:HOST:PORT, tcp:HOST:PORT or tls:HOST:PORT' })
      .optional()
      .describe('A real device under test (run with --real): udp:HOST:PORT, tcp:... or tls:...; the actors talk to it when there is no pbx'),
    network: networkSchema.optional(),
    start: z.iso.datetime({ offset: true, error: 'an ISO 8601 date and time, 2026-03-02T09:00:00Z' }).optional().describe('Calendar time at scenario start'),
    media: z.enum(['packets', 'off']).default('packets').describe('packets: RTP flows and the ears listen; off: SDP only, for long scenarios'),
  }),
  defaults: z.strictObject({ within: durationSchema.default('5s') }).prefault({}),
  actors: z.record(actorRef, actorSchema),
  steps: z.array(stepSchema).min(1),
  checks: z.array(checkSchema).default([]),
  load: loadSchema.optional(),
  gates: z
    .record(z.string(), z.union([z.string(), z.number()]))
    .optional()
    .describe('Load: limits on the figures, e.g. setup-time-p95: 200ms, post-dial-delay-p99: 2s, answer-ratio: 99.5%, failures: 0, mos-p5: 4.0'),
});

export type ScenarioFile = z.output<typeof scenarioSchema>;
export type StepInput = z.output<typeof stepSchema>;
export type ActionObject = z.output<typeof actionObjectSchema>;
export type ActorInput = z.output<typeof actorSchema>;
export type CheckInput = z.output<typeof checkSchema>;
export type BareVerb = (typeof BARE_VERBS)[number];
export type PhoneState = (typeof PHONE_STATES)[number];
export type NotInput = z.output<typeof notSchema>;
export type LoadInput = z.output<typeof loadSchema>;
export type PromptHeardInput = z.output<typeof promptHeard>;
