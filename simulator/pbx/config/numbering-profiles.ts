/**
 * Numbering profiles: the service codes of the seed systems as data, read by the dialplan
 * (ARCHITECTURE.md, "Transfers", "Conferences", "ACD queues", "Voicemail"). A code is a prefix dialled
 * before its argument fields; `terminator` is the digit that ends the dialled string.
 *
 * - `interede` (002): `*1`+extension attended transfer, `*23` join, `*8` group pickup, `*78`
 *   agent log in/out, `*91`+NNN conference room.
 * - `ision` (003): `1001#` own voicemail, `1002`+mailbox+`#` any mailbox, `1006`+room+PIN
 *   conference room.
 * - `neutral` (the default): a small generic set, so that pickup, intercom and voicemail work
 *   without choosing a seed system (`*97` own mailbox, `*98` + mailbox + `#` any mailbox).
 *
 * `record-toggle` (typed during a call: starts and stops its recording) is `*3` in every profile:
 * the manuals give no code for it; `*3` is Asterisk's default for the same feature and is free in
 * all three numbering plans (the project's choice).
 */

export const SERVICE_FEATURES = [
  'attended-transfer',
  'join',
  'group-pickup',
  'directed-pickup',
  'agent-login-toggle',
  'conference-room',
  'voicemail-own',
  'voicemail-box',
  'intercom',
  'dnd-toggle',
  'record-toggle',
] as const;
export type ServiceFeature = (typeof SERVICE_FEATURES)[number];

export interface ArgumentField {
  readonly name: 'extension' | 'mailbox' | 'room' | 'pin';
  /** A fixed number of digits; absent when the length varies (the next field or terminator ends it). */
  readonly digits?: number;
}

export interface ServiceCode {
  readonly code: string;
  readonly feature: ServiceFeature;
  readonly argument: readonly ArgumentField[];
  readonly terminator?: '#';
}

/** The argument a feature takes when a profile does not say otherwise (a code set in the file). */
export const DEFAULT_ARGUMENTS: Record<ServiceFeature, Omit<ServiceCode, 'code' | 'feature'>> = {
  'attended-transfer': { argument: [{ name: 'extension' }] },
  join: { argument: [] },
  'group-pickup': { argument: [] },
  'directed-pickup': { argument: [{ name: 'extension' }] },
  'agent-login-toggle': { argument: [] },
  'conference-room': { argument: [{ name: 'room' }] },
  'voicemail-own': { argument: [], terminator: '#' },
  'voicemail-box': { argument: [{ name: 'mailbox' }], terminator: '#' },
  intercom: { argument: [{ name: 'extension' }] },
  'dnd-toggle': { argument: [] },
  'record-toggle': { argument: [] },
};

export const NUMBERING_PROFILE_NAMES = ['neutral', 'interede', 'ision'] as const;
export type NumberingProfileName = (typeof NUMBERING_PROFILE_NAMES)[number];

export const NUMBERING_PROFILES: Record<NumberingProfileName, readonly ServiceCode[]> = {
  neutral: [
    { code: '*8', feature: 'group-pickup', argument: [] },
    { code: '**', feature: 'directed-pickup', argument: [{ name: 'extension' }] },
    { code: '*0', feature: 'intercom', argument: [{ name: 'extension' }] },
    { code: '*97', feature: 'voicemail-own', argument: [] },
    { code: '*98', feature: 'voicemail-box', argument: [{ name: 'mailbox' }], terminator: '#' },
    { code: '*76', feature: 'dnd-toggle', argument: [] },
    { code: '*3', feature: 'record-toggle', argument: [] },
  ],
  interede: [
    { code: '*1', feature: 'attended-transfer', argument: [{ name: 'extension' }] },
    { code: '*23', feature: 'join', argument: [] },
    { code: '*8', feature: 'group-pickup', argument: [] },
    { code: '*78', feature: 'agent-login-toggle', argument: [] },
    { code: '*91', feature: 'conference-room', argument: [{ name: 'room', digits: 3 }] },
    { code: '*3', feature: 'record-toggle', argument: [] },
  ],
  ision: [
    { code: '1001', feature: 'voicemail-own', argument: [], terminator: '#' },
    { code: '1002', feature: 'voicemail-box', argument: [{ name: 'mailbox' }], terminator: '#' },
    { code: '1006', feature: 'conference-room', argument: [{ name: 'room' }, { name: 'pin' }] },
    { code: '*3', feature: 'record-toggle', argument: [] },
  ],
};

/**
 * A profile's codes with the file's changes: a feature mapped to a code gets that code (keeping
 * the profile's argument shape, else the feature's default), mapped to `false` is turned off.
 */
export function resolveServiceCodes(profile: NumberingProfileName, overrides: Partial<Record<ServiceFeature, string | false>>): ServiceCode[] {
  const codes = new Map<ServiceFeature, ServiceCode>(NUMBERING_PROFILES[profile].map((c) => [c.feature, c]));
  for (const feature of SERVICE_FEATURES) {
    const override = overrides[feature];
    if (override === undefined) continue;
    if (override === false) codes.delete(feature);
    else codes.set(feature, { ...(codes.get(feature) ?? DEFAULT_ARGUMENTS[feature]), feature, code: override });
  }
  return [...codes.values()];
}
