/**
 * When the calls of a load scenario start (scenarios/README.md "Load"): at a constant rate (one
 * every 1/rate), as a Poisson process (exponential gaps with mean 1/rate, drawn from the seeded
 * generator, so the same seed gives the same arrivals), or ramping linearly from one rate to another;
 * or `incoming`: no arrival process, a call's script starts when a call from outside (a load
 * generator such as SIPp calling the PBX the phones registered with) reaches a free phone.
 */
import type { SeededRandom } from '../../engine/rng/index.js';

export type ArrivalSpec =
  | { readonly kind: 'constant'; readonly perSecond: number }
  | { readonly kind: 'poisson'; readonly perSecond: number }
  | { readonly kind: 'ramp'; readonly fromPerSecond: number; readonly toPerSecond: number; readonly overMs: number }
  | { readonly kind: 'incoming' };

/** Milliseconds from the arrival at `atMs` (since the load started) to the next one. */
export type NextArrival = (atMs: number) => number;

export function arrivalProcess(spec: ArrivalSpec, rng: SeededRandom): NextArrival {
  switch (spec.kind) {
    case 'constant':
      return () => 1000 / spec.perSecond;
    case 'poisson':
      // Inverse transform of the exponential distribution; 1 - u is never 0.
      return () => (-Math.log(1 - rng.float()) * 1000) / spec.perSecond;
    case 'ramp':
      return (atMs) => 1000 / (spec.fromPerSecond + (spec.toPerSecond - spec.fromPerSecond) * Math.min(1, atMs / spec.overMs));
    case 'incoming':
      return () => Infinity;
  }
}

/** `20/s`, `300/min`, `3600/h` as calls per second; undefined when it is not a rate. */
export function perSecond(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\/(s|min|h)$/.exec(text.trim());
  if (m === null) return undefined;
  const n = Number(m[1]);
  return n / { s: 1, min: 60, h: 3600 }[m[2] as 's' | 'min' | 'h'];
}
