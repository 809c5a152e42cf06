/**
 * Where a dialled number goes (ARCHITECTURE.md "PBX behaviour rules"): one of our extensions, a ring group,
 * a number an application owns (an IVR; ARCHITECTURE.md "Applications"), or nowhere (404).
 * Service codes of the numbering profile are prefixes; they are routed by the features that
 * implement them.
 */
import type { ExtensionConfig, PbxConfig, RingGroupConfig, ServiceCode } from './config/index.js';
import type { RouteTargetProvider } from './core/application.js';

export type Route =
  | { readonly kind: 'extension'; readonly extension: ExtensionConfig }
  | { readonly kind: 'ring-group'; readonly group: RingGroupConfig }
  | { readonly kind: 'service'; readonly code: ServiceCode; readonly rest: string }
  | { readonly kind: 'application'; readonly provider: RouteTargetProvider; readonly number: string }
  | { readonly kind: 'unknown' };

export class Dialplan {
  private readonly extensions: ReadonlyMap<string, ExtensionConfig>;
  private readonly groups: ReadonlyMap<string, RingGroupConfig>;
  private readonly applications = new Map<string, RouteTargetProvider>();

  constructor(
    private readonly config: PbxConfig,
    providers: readonly RouteTargetProvider[] = [],
  ) {
    this.extensions = new Map(config.extensions.map((e) => [e.number, e]));
    this.groups = new Map(config.ringGroups.map((g) => [g.number, g]));
    for (const provider of providers) for (const number of provider.numbers(config)) this.applications.set(number, provider);
  }

  extension(number: string): ExtensionConfig | undefined {
    return this.extensions.get(number);
  }

  route(dialled: string): Route {
    const extension = this.extensions.get(dialled);
    if (extension !== undefined) return { kind: 'extension', extension };
    const group = this.groups.get(dialled);
    if (group !== undefined) return { kind: 'ring-group', group };
    const provider = this.applications.get(dialled);
    if (provider !== undefined) return { kind: 'application', provider, number: dialled };
    const code = this.config.serviceCodes.find((c) => dialled.startsWith(c.code));
    if (code !== undefined) return { kind: 'service', code, rest: dialled.slice(code.code.length) };
    return { kind: 'unknown' };
  }
}
