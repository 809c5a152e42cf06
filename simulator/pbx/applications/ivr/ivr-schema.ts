/**
 * The IVR's part of the PBX configuration (simulator/pbx/README.md "IVR"; the INTEREDE manual's
 * "URA"): `ivr:` is a list of blocks, each with a prompt, the wait for an option ("Tempo de
 * Resposta") and between digits ("Tempo entre Dígitos"), options `0-9 * #` (also longer keys),
 * `T` (timeout) and `I` (invalid), the timeout and invalid prompts (not played when not chosen),
 * a time profile with its out-of-hours prompt and action, and the satisfaction rating ("Nota de
 * Atendimento"). `timeProfiles:` are the weekly hours blocks name, read in `timeZone`.
 */
import { z } from 'zod';
import { extensionNumberSchema } from '../../config/dial-strings.js';
import { LANGUAGES } from '../../config/extension-schema.js';

/** The action keys of an option; exactly one per option. */
export const ACTION_KEYS = ['play', 'invalid', 'hangup', 'block', 'extension', 'ringGroup', 'queue', 'voicemail', 'portal'] as const;
/** Actions the schema knows but this PBX cannot run yet (the checks refuse them). */
export const UNAVAILABLE_ACTIONS = ['queue', 'portal'] as const;

export const ivrActionSchema = z
  .strictObject({
    /** Plays a prompt, then the block's menu again. */
    play: z.string().min(1).optional(),
    /** "EXEC. Opção Inválida": the invalid prompt, then the block's menu again. */
    invalid: z.literal(true).optional(),
    /** "Desliga Chamada". */
    hangup: z.literal(true).optional(),
    /** "Chamar outro Bloco": a block by name. */
    block: z.string().min(1).optional(),
    /** "Chamar uma linha IP". */
    extension: z.string().min(1).optional(),
    /** "Fila de Atendimento" as a ring group. */
    ringGroup: z.string().min(1).optional(),
    queue: z.string().min(1).optional(),
    /** "Enviar para Caixa Postal": the caller leaves a message in this mailbox. */
    voicemail: z.string().min(1).optional(),
    portal: z.string().min(1).optional(),
  })
  .refine((a) => ACTION_KEYS.filter((k) => a[k] !== undefined).length === 1, { error: `an option takes exactly one action: ${ACTION_KEYS.join(', ')}` });

export type IvrAction = z.output<typeof ivrActionSchema>;

/** An option's key: digits (up to 8), `T` or `I`; checked in ivr-checks.ts, so that the error is at the key. */
export const OPTION_KEY = /^([0-9*#]{1,8}|T|I)$/;

const ratingSchema = z.strictObject({
  prompt: z.string().min(1).default('rating'),
  /** The wait for the note. */
  timeoutSeconds: z.number().int().min(1).max(60).default(5),
  /** How many times the rating is asked when the key is not 1-5 or nothing is keyed; then the call ends without a note. */
  attempts: z.number().int().min(1).max(5).default(2),
  /** Played after the note, before the call ends; none by default (the manual ends the call at once). */
  thanks: z.string().min(1).optional(),
});

export const ivrBlockSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, { error: 'a block name is 1 to 40 of A-Z, a-z, 0-9, _ and -' }),
  /** Dialling it (or forwarding to it) enters this block; blocks without one are reached from others. */
  number: extensionNumberSchema.optional(),
  prompt: z.string().min(1),
  /** The language of the prompts for a caller whose extension has none. */
  language: z.enum(LANGUAGES).default('pt'),
  /** "Tempo de Resposta": the wait for the first digit, after the prompt. */
  timeoutSeconds: z.number().int().min(1).max(60).default(5),
  /** "Tempo entre Dígitos": the wait for each next digit of a longer option. */
  interDigitSeconds: z.number().int().min(1).max(30).default(3),
  /** How many times the menu is played again (T or I without an option, `play`, `invalid`, an unanswered connection) before the IVR hangs up. */
  maxReplays: z.number().int().min(0).max(10).default(2),
  timeoutPrompt: z.string().min(1).optional(),
  invalidPrompt: z.string().min(1).optional(),
  options: z.record(z.string(), ivrActionSchema).default({}),
  timeProfile: z.string().min(1).optional(),
  outOfHoursPrompt: z.string().min(1).default('out-of-hours'),
  outOfHours: ivrActionSchema.prefault({ hangup: true }),
  rating: ratingSchema.optional(),
});

export type IvrBlock = z.output<typeof ivrBlockSchema>;

export const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Day = (typeof DAYS)[number];

/** `HH:MM-HH:MM`, end exclusive, `24:00` allowed as an end; `00:00-00:00` is closed. */
export const HOURS = /^([01][0-9]|2[0-3]):([0-5][0-9])-(([01][0-9]|2[0-3]):([0-5][0-9])|24:00)$/;
const hours = z.string().regex(HOURS, { error: 'opening hours are `HH:MM-HH:MM` (24 h clock; `00:00-00:00` closed)' });

export const timeProfileSchema = z.strictObject({
  name: z.string().min(1),
  ...(Object.fromEntries(DAYS.map((d) => [d, hours.optional()])) as Record<Day, z.ZodOptional<typeof hours>>),
});

export type TimeProfile = z.output<typeof timeProfileSchema>;

/** The keys the IVR adds to the PBX configuration. */
export const ivrConfigShape = {
  ivr: z.array(ivrBlockSchema).default([]),
  timeProfiles: z.array(timeProfileSchema).default([]),
  /** The offset of local time from UTC in which time profiles are read. */
  timeZone: z
    .string()
    .regex(/^[+-]([01][0-9]|2[0-3]):[0-5][0-9]$/, { error: 'a UTC offset, `-03:00` or `+01:00`' })
    .default('+00:00'),
};
