// The shape of a service case (its clients' roles) and the znodes each recipe owns, apart from the
// workload's generators (service-workload.ts): a run that only hosts the service (sim/service/
// fuzz-app.ts, and the studio page that bundles it) then does not carry fast-check.

/** What a client runs: plain calls only, or a recipe host (which also takes plain calls). */
export const SERVICE_ROLES = ['plain', 'lock', 'election', 'queue', 'config', 'selector', 'rwlock', 'counter', 'dbarrier', 'treecache'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

/** The shape of a service case: its clients' roles and their session timeout. */
export interface ServiceSpec {
  readonly sessionTimeoutMs: number;
  /** One role per client, by client index. */
  readonly roles: readonly ServiceRole[];
}

export const RECIPE_DIRS: Readonly<Record<Exclude<ServiceRole, 'plain'>, string>> = {
  lock: '/lock',
  election: '/election',
  queue: '/queue',
  config: '/config',
  selector: '/selector',
  rwlock: '/rwlock',
  counter: '/counter',
  dbarrier: '/dbarrier',
  treecache: '/tree',
};
