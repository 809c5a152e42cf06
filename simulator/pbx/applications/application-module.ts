/**
 * What an application module gives the PBX (ARCHITECTURE.md "Applications"): the route target
 * kind it provides at run time, and, for the configuration file, the numbers it owns (so that the
 * dialplan routes them and the checks know them) and its own checks, reported at the path of the
 * offending node.
 */
import type { Report } from '../config/cross-checks.js';
import type { ApplicationContext, ApplicationService, RouteTargetProvider } from '../core/application.js';

/** Reports a problem at the path of the offending node (the configuration's cross-checks' `Report`). */
export type ConfigReport = Report;

/** A number an application owns in the (raw, possibly invalid) configuration. */
export interface OwnedNumber {
  readonly number: string;
  /** How a message names it: `IVR reception`. */
  readonly name: string;
  readonly path: PropertyKey[];
}

export interface ApplicationModule {
  readonly provider: RouteTargetProvider;
  /** The numbers it owns in the raw configuration (values may be invalid: read defensively). */
  ownedNumbers(raw: Record<string, unknown>): OwnedNumber[];
  /** Its own checks of the raw configuration; `known` holds every number of the dialplan. */
  check?(raw: Record<string, unknown>, known: ReadonlySet<string>, report: ConfigReport): void;
  /**
   * What the module keeps for the life of one PBX (a store, a notifier), made once when the PBX
   * starts; `ctx.service(kind)` and `Pbx.service(kind)` return it.
   */
  attach?(ctx: ApplicationContext): ApplicationService;
}
