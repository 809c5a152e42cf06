/** What actors get from the runner while they carry out a step, and what they give back. */

export type StepOutcome = { readonly ok: true; readonly skipped?: boolean } | { readonly ok: false; readonly expected: string; readonly actual: string };

export interface StepContext {
  /** What to dial for a target: an actor's number, or the text as written. */
  dialString(target: string): string;
  /** The numbers and SIP users a party shows up as in From/To. */
  identities(actor: string): string[];
  /** The phone actor sending this frequency. */
  actorByTone(hz: number): string | undefined;
  durationMs(text: string): number;
  /** Scenario variables: captures of `receive` steps, shared by all actors. */
  readonly variables: Map<string, string>;
  /** Another actor's address and port, for `${bob.ip}` and `send: { to: bob }`. */
  actorEndpoint(actor: string): { address: string; port: number } | undefined;
  /** Where requests go by default (`${pbx_ip}`): the simulated PBX, else the device. */
  readonly pbx: { address: string; port: number };
  /** The device under test, when the world names one (`${device_ip}`, `to: device`). */
  readonly device?: { address: string; port: number };
}
