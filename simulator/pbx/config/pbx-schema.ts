/**
 * The PBX configuration file (issue 5; ARCHITECTURE.md "PBX behaviour rules", "Other PBX services"):
 * listeners, numbering profile and service codes, registration and call timers, secure credential
 * rotation, extensions with their terminals, ring groups, pickup groups, manager/assistant pairs.
 *
 * Defaults: listen `udp:127.0.0.1:5060`; profile `neutral`; realm `pbxlab` with SHA-256 then MD5
 * challenges; registration expiry
 * 60-3600 s (3600 when the phone asks none); no-answer timeout 30 s (a common PBX default, and
 * longer than the 20 s default of forward-on-no-answer so that forwarding happens first);
 * blind-transfer recall 120 s (SPEC "Transfers"); progress tones left to the phones; media anchored at the PBX; secure passwords of 24 characters rotated daily,
 * the old one accepted for one more hour; digest credentials that sign another URI than the
 * Request-URI accepted (`auth.strictDigestUri` refuses them, as RFC 3261 22.4 asks).
 *
 * The parsed `serviceCodes` is the resolved list (profile codes with the file's changes), which
 * is what the dialplan reads; in the file it maps a feature to its code, or to `false`.
 */
import { z } from 'zod';
import { applicationConfigShape } from '../applications/index.js';
import { mailConfigSchema } from '../mail/mail-config.js';
import { apiSchema } from './api-schema.js';
import { checkPbxConfig } from './cross-checks.js';
import { serviceCodeSchema } from './dial-strings.js';
import { expandEntry, extensionEntrySchema } from './extension-schema.js';
import { managerAssistantSchema, pickupGroupSchema, ringGroupSchema } from './group-schemas.js';
import { listenSpecSchema } from './listen-spec.js';
import { NUMBERING_PROFILE_NAMES, SERVICE_FEATURES, resolveServiceCodes, type ServiceFeature } from './numbering-profiles.js';

export const DEFAULT_LISTEN = 'udp:127.0.0.1:5060';

const codeOrOff = z.union([serviceCodeSchema, z.literal(false)], { error: 'expected a service code (1 to 8 of 0-9, * and #, quoted) or `false` to turn the feature off' });

const serviceCodesSchema = z.strictObject(Object.fromEntries(SERVICE_FEATURES.map((f) => [f, codeOrOff.optional()])) as Record<ServiceFeature, z.ZodOptional<typeof codeOrOff>>);

const registrationSchema = z.strictObject({
  minExpires: z.number().int().min(1).default(60),
  maxExpires: z.number().int().min(1).default(3600),
  /** Granted when a REGISTER carries no expiry. */
  defaultExpires: z.number().int().min(1).default(3600),
});

const timersSchema = z.strictObject({
  /** An unanswered call ends (480/408 to the caller) after this. */
  noAnswerSeconds: z.number().int().min(1).max(600).default(30),
  /** How long one order of an extension's terminals rings before the next order does (SPEC, multi-terminal). */
  ringRoundSeconds: z.number().int().min(1).max(600).default(15),
  /** A blind transfer the target does not answer comes back to the transferor after this. */
  transferRecallSeconds: z.number().int().min(1).max(3600).default(120),
});

const tonesSchema = z.strictObject({
  /** Ringback and busy as early media from the PBX (180 with SDP); off, the phones make their own from 180 and 486. */
  inband: z.boolean().default(false),
  region: z.enum(['brazil', 'europe']).default('brazil'),
  /** How long a caller hears the busy tone before the 486. */
  busySeconds: z.number().int().min(1).max(30).default(3),
});

const mediaSchema = z.strictObject({
  /**
   * `true`: every leg's RTP ends at the PBX, which mixes, plays tones and prompts (ARCHITECTURE.md
   * "The PBX"). `false`: each side's SDP is passed to the other unchanged and RTP flows between the
   * phones (RFC 7092 section 3.1.3, a signalling-only B2BUA); what needs media refuses or anchors
   * its own calls (simulator/pbx/README.md "Media not anchored").
   */
  anchor: z.boolean().default(true),
});

const secureCredentialsSchema = z.strictObject({
  rotateEverySeconds: z.number().int().min(60).default(86_400),
  /** How long the previous password is still accepted after a rotation. */
  graceSeconds: z.number().int().min(0).default(3600),
  length: z.number().int().min(16).max(64).default(24),
});

const authSchema = z.strictObject({
  /**
   * Refuse digest credentials whose `uri` is not the Request-URI (RFC 3261 22.4, RFC 2617 3.2.2.5),
   * for conformance runs. Off by default: SIPp's `[authentication]` signs the server's address,
   * which many deployed servers accept; the PBX accepts it and logs it once per user.
   */
  strictDigestUri: z.boolean().default(false),
});

const storageSchema = z.strictObject({
  /**
   * Where records with audio are kept (voicemail messages, greetings, recordings; ARCHITECTURE.md
   * "Storage"), relative to the working directory; `pbxlab serve --data DIR` overrides it. Without
   * one they are kept in memory and lost when the PBX stops.
   */
  directory: z.string().min(1).optional(),
});

const pbxConfigObject = z.strictObject({
  listen: z.array(listenSpecSchema).min(1).prefault([DEFAULT_LISTEN]),
  profile: z.enum(NUMBERING_PROFILE_NAMES).default('neutral'),
  /** The digest authentication realm. */
  realm: z.string().min(1).default('pbxlab'),
  /**
   * The digest challenges a 401 carries, one per algorithm in this order (RFC 8760 section 2.4:
   * the preferred first). MD5 alone by default, so that the smallest file works with the phones
   * engineers point at it: SIPp 3.6 reads only the first challenge and knows only MD5, and libre
   * 1.1 (baresip 1.0) gives up on any challenge that is not MD5. `[SHA-256, MD5]` offers both.
   */
  digestAlgorithms: z
    .array(z.enum(['SHA-256', 'MD5']))
    .min(1)
    .refine((a) => new Set(a).size === a.length, { error: 'an algorithm is listed twice' })
    .default(['MD5']),
  auth: authSchema.prefault({}),
  storage: storageSchema.prefault({}),
  registration: registrationSchema.prefault({}),
  timers: timersSchema.prefault({}),
  tones: tonesSchema.prefault({}),
  media: mediaSchema.prefault({}),
  secureCredentials: secureCredentialsSchema.prefault({}),
  serviceCodes: serviceCodesSchema.prefault({}),
  extensions: z.array(extensionEntrySchema).min(1),
  ringGroups: z.array(ringGroupSchema).default([]),
  pickupGroups: z.array(pickupGroupSchema).default([]),
  managerAssistant: z.array(managerAssistantSchema).default([]),
  /** Outgoing notification e-mail: SMTP server, sender, retries, templates (pbx/mail); without it no e-mail is sent. */
  mail: mailConfigSchema.optional(),
  /** Tokens of the HTTP API (`pbxlab serve --http`). */
  api: apiSchema.prefault({}),
  ...applicationConfigShape,
});

export const pbxConfigSchema = pbxConfigObject
  .superRefine((config, ctx) => checkPbxConfig(config, (path, message) => ctx.addIssue({ code: 'custom', path, message })), { when: () => true })
  .transform((config) => ({ ...config, extensions: config.extensions.flatMap(expandEntry), serviceCodes: resolveServiceCodes(config.profile, config.serviceCodes) }));

export type PbxConfig = z.output<typeof pbxConfigSchema>;
/** The configuration as written in the file (before defaults). */
export type PbxConfigInput = z.input<typeof pbxConfigSchema>;
export type ExtensionConfig = PbxConfig['extensions'][number];
export type TerminalConfig = ExtensionConfig['terminals'][number];
export type ForwardConfig = ExtensionConfig['forward'];
export type RingGroupConfig = PbxConfig['ringGroups'][number];
export type PickupGroupConfig = PbxConfig['pickupGroups'][number];
export type ManagerAssistantConfig = PbxConfig['managerAssistant'][number];
export type TimersConfig = PbxConfig['timers'];
export type RegistrationConfig = PbxConfig['registration'];
export type SecureCredentialsConfig = PbxConfig['secureCredentials'];
