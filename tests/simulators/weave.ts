/**
 * The Weave Net router's /metrics (weaveworks/weave 2.8.1, prog/weaver/metrics.go), simulated from its
 * source: /work/shared/fixtures/metric-names/weave-metric-names.txt. No sample of it was ever published.
 *
 * What the real router does, and so this one:
 * - `weave_connections{state,type,encryption}`: series ONLY for (state, type) pairs with at least one
 *   connection, then two of them, `encryption="yes"` and `encryption=""` (absent once ingested), one of
 *   which may be 0. An isolated router has no `weave_connections` series at all.
 * - Connections to peers it cannot reach are "targets" of the connection maker: `failed` (last attempt
 *   failed, waiting to retry) or `retrying` (attempting again after an error), without type attributes,
 *   so `type="unknown"` (router/status: makeLocalConnectionStatusSlice).
 * - IPAM metrics (`weave_ips{state="local-used"}`, `weave_max_ips`, pending allocates/claims) with IPAM on;
 *   `weave_ipam_unreachable_count` / `_percentage` always; `weave_dns_entries` with weaveDNS on;
 *   `weave_flows` only with the fastdp datapath.
 */
import { bodyOf, gather, type Collected, type MetricDescriptor, type ScrapeAnswer } from './exposition';

/** Connection states, in the order of prog/weaver/http.go `allConnectionStates`. */
export const WEAVE_CONNECTION_STATES = ['established', 'pending', 'retrying', 'failed', 'connecting'] as const;
export type WeaveConnectionState = (typeof WEAVE_CONNECTION_STATES)[number];

/** `sleeve`/`fastdp`/`awsvpc` overlay names; `unknown` without attributes (targets not yet connected). */
export type WeaveConnectionType = 'fastdp' | 'sleeve' | 'awsvpc' | 'unknown';

export interface WeaveConnection {
  state: WeaveConnectionState;
  /** Default: `fastdp` for established/pending connections, `unknown` for targets. */
  type?: WeaveConnectionType;
  encrypted?: boolean;
  /** The peer at the other end (documentation only: not a label). */
  remote?: string;
}

export interface WeaveRouterState {
  /** The router's peer name/nickname (documentation only: not a label). */
  peer: string;
  connections: WeaveConnection[];
  terminations?: number;
  /** IPAM on (default true). */
  ipam?: boolean;
  /** `weave_ips{state="local-used"}`: addresses allocated by this peer. */
  ips?: number;
  /** `weave_max_ips`: size of the allocation range (default 2^20, the 10.32.0.0/12 default). */
  maxIps?: number;
  ipamUnreachableCount?: number;
  ipamUnreachablePercentage?: number;
  ipamPendingAllocates?: number;
  ipamPendingClaims?: number;
  /** weaveDNS entries of this peer; null: weaveDNS off. */
  dnsEntries?: number | null;
  /** FastDP flows; emitted when any connection uses fastdp. */
  flows?: number;
  /** The router's HTTP answer fails with this status (the target is down: `up == 0`). */
  httpError?: number;
}

export const WEAVE_METRICS = {
  weave_connections: { type: 'gauge', help: 'Number of peer-to-peer connections.' },
  weave_connection_terminations_total: { type: 'counter', help: 'Number of peer-to-peer connections terminated.' },
  weave_ips: { type: 'gauge', help: 'Number of IP addresses.' },
  weave_max_ips: { type: 'gauge', help: 'Size of IP address space used by allocator.' },
  weave_dns_entries: { type: 'gauge', help: 'Number of DNS entries.' },
  weave_flows: { type: 'gauge', help: 'Number of FastDP flows.' },
  weave_ipam_unreachable_count: { type: 'gauge', help: 'Number of unreachable peers.' },
  // Two spaces after "owned": verbatim from the source.
  weave_ipam_unreachable_percentage: { type: 'gauge', help: 'Percentage of IP addresses owned  by unreachable peers.' },
  weave_ipam_pending_allocates: { type: 'gauge', help: 'Number of pending allocates.' },
  weave_ipam_pending_claims: { type: 'gauge', help: 'Number of pending claims.' },
} as const satisfies Record<string, MetricDescriptor>;

export const WEAVE_DEFAULT_MAX_IPS = 1 << 20;

function typeOf(connection: WeaveConnection): WeaveConnectionType {
  return (
    connection.type ?? (connection.state === 'established' || connection.state === 'pending' ? 'fastdp' : 'unknown')
  );
}

/** What one Weave router answers on /metrics. */
export function weaveScrape(state: WeaveRouterState): ScrapeAnswer {
  if (state.httpError !== undefined) {
    return { ok: false, status: state.httpError, body: `simulated weave router failure ${state.httpError}\n` };
  }
  const out: Collected[] = [];
  const emit = (name: keyof typeof WEAVE_METRICS, value: number, labels?: Record<string, string>) =>
    out.push({ name, value, labels });

  const counts = new Map<string, { state: string; type: string; encrypted: number; unencrypted: number }>();
  for (const connection of state.connections) {
    const type = typeOf(connection);
    const key = `${connection.state}/${type}`;
    const count = counts.get(key) ?? { state: connection.state, type, encrypted: 0, unencrypted: 0 };
    if (connection.encrypted) {
      count.encrypted += 1;
    } else {
      count.unencrypted += 1;
    }
    counts.set(key, count);
  }
  for (const count of counts.values()) {
    emit('weave_connections', count.encrypted, { state: count.state, type: count.type, encryption: 'yes' });
    emit('weave_connections', count.unencrypted, { state: count.state, type: count.type, encryption: '' });
  }
  emit('weave_connection_terminations_total', state.terminations ?? 0);
  const ipam = state.ipam ?? true;
  const maxIps = state.maxIps ?? WEAVE_DEFAULT_MAX_IPS;
  if (ipam) {
    emit('weave_ips', state.ips ?? 0, { state: 'local-used' });
    emit('weave_max_ips', maxIps);
  }
  if (state.dnsEntries !== null) {
    emit('weave_dns_entries', state.dnsEntries ?? 0);
  }
  if (state.connections.some((connection) => typeOf(connection) === 'fastdp')) {
    emit('weave_flows', state.flows ?? 0);
  }
  emit('weave_ipam_unreachable_count', state.ipamUnreachableCount ?? 0);
  emit('weave_ipam_unreachable_percentage', state.ipamUnreachablePercentage ?? 0);
  if (ipam) {
    emit('weave_ipam_pending_allocates', state.ipamPendingAllocates ?? 0);
    emit('weave_ipam_pending_claims', state.ipamPendingClaims ?? 0);
  }
  return gather(WEAVE_METRICS, out);
}

/** The exposition of `weaveScrape`; throws `ScrapeFailure` when the router would answer an error. */
export function weaveExposition(state: WeaveRouterState): string {
  return bodyOf(weaveScrape(state));
}

export interface WeaveMeshFaults {
  /** Routers (0-based) cut off from every other router: their processes and metrics endpoints still run. */
  isolated?: number[];
  /** Routers that are gone (process dead): their state is returned with `httpError: 503`, nobody reaches them. */
  down?: number[];
  /** Direct links between two routers that fail (both ends), e.g. a blocked port between two hosts. */
  failedLinks?: Array<[number, number]>;
  /**
   * How a router shows a peer it cannot connect to: `failed` (default: the connection maker's target
   * after a failed attempt), `retrying` (attempting again), or `gone` (no entry at all).
   */
  lostAs?: 'failed' | 'retrying' | 'gone';
  /** Datapath of the established connections (default fastdp). */
  type?: 'fastdp' | 'sleeve';
  encrypted?: boolean;
}

/**
 * Weave routers `weave-1…weave-n` in a full mesh (each with n−1 established connections, n·(n−1) in all),
 * optionally with faults. IPAM is derived from the resulting topology: each router owns an equal share
 * of the range and counts as unreachable the owners it cannot reach over established connections, even
 * indirectly (Weave gossips over the mesh). The returned array has one state per router, down ones
 * included (answering HTTP 503).
 */
export function weaveMesh(n: number, faults: WeaveMeshFaults = {}): WeaveRouterState[] {
  const isolated = new Set(faults.isolated ?? []);
  const down = new Set(faults.down ?? []);
  const failedLink = (a: number, b: number) =>
    (faults.failedLinks ?? []).some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  const linked = (a: number, b: number) =>
    a !== b && !isolated.has(a) && !isolated.has(b) && !down.has(a) && !down.has(b) && !failedLink(a, b);
  const name = (index: number) => `weave-${index + 1}`;

  // Reachability over established links (transitive).
  const reachable = (from: number): Set<number> => {
    const seen = new Set([from]);
    const queue = [from];
    for (let current = queue.shift(); current !== undefined; current = queue.shift()) {
      for (let next = 0; next < n; next++) {
        if (!seen.has(next) && linked(current, next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    return seen;
  };
  const share = WEAVE_DEFAULT_MAX_IPS / n;
  const lostAs = faults.lostAs ?? 'failed';

  return Array.from({ length: n }, (_, self) => {
    const connections: WeaveConnection[] = [];
    for (let other = 0; other < n; other++) {
      if (other === self) {
        continue;
      }
      if (linked(self, other)) {
        connections.push({
          state: 'established',
          type: faults.type ?? 'fastdp',
          encrypted: faults.encrypted,
          remote: name(other),
        });
      } else if (lostAs !== 'gone' && !down.has(self)) {
        connections.push({ state: lostAs, remote: name(other) });
      }
    }
    const seen = reachable(self);
    const unreachable = n - seen.size;
    return {
      peer: name(self),
      connections,
      ips: 3,
      maxIps: WEAVE_DEFAULT_MAX_IPS,
      ipamUnreachableCount: unreachable,
      ipamUnreachablePercentage: (unreachable * share * 100) / WEAVE_DEFAULT_MAX_IPS,
      dnsEntries: 2,
      flows: connections.filter((connection) => connection.state === 'established').length * 4,
      ...(down.has(self) ? { httpError: 503 } : {}),
    };
  });
}
