/**
 * prometheus/consul_exporter (v0.13.0-54-g9b351b6, pkg/exporter/consul_exporter.go), simulated from its
 * source: /work/shared/fixtures/metric-names/consul_exporter-metric-names.txt and the exporter's own
 * expected output (fixtures/upstream/consul_exporter/expected-basic-metrics.prom.tmpl).
 *
 * What the real exporter does, and so this one:
 * - `consul_up` is 1 only if EVERY collector succeeded; an unreachable agent leaves `consul_up 0` alone.
 * - `consul_raft_leader` is "this agent sees a leader" (Status().Leader() non-empty), `consul_raft_peers`
 *   the Raft peers. With the default `--consul.allow_stale` the catalog and health reads are served by
 *   any server, so a cluster without leader still answers them: `consul_up` stays 1.
 * - `consul_serf_lan_members` counts CATALOG nodes (a member that left is deregistered), not agents.
 * - `consul_serf_lan_member_info{member,role,version}`'s VALUE is the Serf status (1 alive … 4 failed),
 *   like `consul_serf_lan_member_status{member}`; role is "consul" for servers, "node" for clients.
 * - `consul_health_node_status{check,node,status}` is one-hot: four series per check
 *   (passing/warning/critical/maintenance), exactly one of them 1. Exporters before May 2017 (#53) had no
 *   `status` label: one series per check, 1 when passing. A failed member's `serfHealth` is critical.
 */
import { bodyOf, gather, type Collected, type MetricDescriptor, type ScrapeAnswer } from './exposition';

/** Serf member status: 1 alive, 2 leaving, 3 left, 4 failed. */
export type SerfStatus = 1 | 2 | 3 | 4;

export type ConsulCheckStatus = 'passing' | 'warning' | 'critical' | 'maintenance';

export interface ConsulNode {
  name: string;
  /** A Consul server (role "consul"); otherwise a client agent (role "node"). */
  server: boolean;
  status: SerfStatus;
  /** Consul version in the member's `build` tag (default 1.15.4). */
  version?: string;
}

export interface ConsulNodeCheck {
  node: string;
  check: string;
  status: ConsulCheckStatus;
}

/** A sub-collection of the exporter (each is one Consul API call); any failure makes `consul_up` 0. */
export type ConsulCollector = 'services' | 'peers' | 'leader' | 'nodes' | 'members' | 'wanMembers' | 'health';

export interface ConsulState {
  nodes: ConsulNode[];
  /** `consul_raft_leader` as this exporter's agent sees it. */
  leaderSeen: boolean;
  /** `consul_raft_peers`; default: the servers that have not left (a failed server stays a Raft peer). */
  raftPeers?: number;
  /** Nodes whose `serfHealth` check is critical (on top of failed members, which always are). */
  failingNodeChecks?: string[];
  /** More node checks (no service), e.g. a disk check on one node. */
  extraNodeChecks?: ConsulNodeCheck[];
  /** The 2017-era `consul_health_node_status{check,node}` without `status`: 1 passing, 0 otherwise. */
  legacyNoStatusLabel?: boolean;
  /** Collectors whose Consul API call fails: their metrics are missing and `consul_up` is 0. */
  failedCollectors?: ConsulCollector[];
  /** false: the agent is unreachable, every collector fails, only `consul_up 0` is left. */
  up?: boolean;
  /** Datacenter of the WAN members (default dc1). */
  datacenter?: string;
  /** The exporter's HTTP answer fails (e.g. it is overloaded): HTTP status to answer instead. */
  httpError?: number;
}

export const CONSUL_METRICS = {
  consul_up: { type: 'gauge', help: 'Was the last query of Consul successful.' },
  consul_raft_peers: { type: 'gauge', help: 'How many peers (servers) are in the Raft cluster.' },
  consul_raft_leader: { type: 'gauge', help: 'Does Raft cluster have a leader (according to this node).' },
  consul_serf_lan_members: { type: 'gauge', help: 'How many members are in the cluster.' },
  consul_serf_lan_member_info: { type: 'gauge', help: 'Information of member in the cluster.' },
  consul_serf_lan_member_status: {
    type: 'gauge',
    help: 'Status of member in the cluster. 1=Alive, 2=Leaving, 3=Left, 4=Failed.',
  },
  consul_serf_wan_member_info: { type: 'gauge', help: 'Information of member in the wan cluster.' },
  consul_serf_wan_member_status: {
    type: 'gauge',
    help: 'Status of member in the wan cluster. 1=Alive, 2=Leaving, 3=Left, 4=Failed.',
  },
  consul_catalog_services: { type: 'gauge', help: 'How many services are in the cluster.' },
  consul_catalog_service_node_healthy: { type: 'gauge', help: 'Is this service healthy on this node?' },
  consul_health_node_status: { type: 'gauge', help: 'Status of health checks associated with a node.' },
  consul_health_service_status: { type: 'gauge', help: 'Status of health checks associated with a service.' },
  consul_service_checks: { type: 'gauge', help: 'Link the service id and check name if available.' },
} as const satisfies Record<string, MetricDescriptor>;

const CHECK_STATUSES: ConsulCheckStatus[] = ['passing', 'warning', 'critical', 'maintenance'];

/** Node checks as Consul's catalog holds them: `serfHealth` per registered node, plus the extra ones. */
export function consulNodeChecks(state: ConsulState): ConsulNodeCheck[] {
  const failing = new Set(state.failingNodeChecks ?? []);
  const registered = state.nodes.filter((node) => node.status !== 3);
  return [
    ...registered.map((node) => ({
      node: node.name,
      check: 'serfHealth',
      status: (node.status === 4 || failing.has(node.name) ? 'critical' : 'passing') as ConsulCheckStatus,
    })),
    ...(state.extraNodeChecks ?? []),
  ];
}

/** What one consul_exporter answers for this state (collection order as in its `Collect`). */
export function consulScrape(state: ConsulState): ScrapeAnswer {
  if (state.httpError !== undefined) {
    return { ok: false, status: state.httpError, body: `simulated consul_exporter failure ${state.httpError}\n` };
  }
  const failed = new Set<ConsulCollector>(
    state.up === false
      ? ['services', 'peers', 'leader', 'nodes', 'members', 'wanMembers', 'health']
      : (state.failedCollectors ?? [])
  );
  const out: Collected[] = [];
  const emit = (name: keyof typeof CONSUL_METRICS, value: number, labels?: Record<string, string>) =>
    out.push({ name, value, labels });
  const registered = state.nodes.filter((node) => node.status !== 3);
  const alive = (node: ConsulNode) => node.status === 1;
  const checks = consulNodeChecks(state);
  const versionOf = (node: ConsulNode) => node.version ?? '1.15.4';

  if (!failed.has('services')) {
    emit('consul_catalog_services', 1);
    // --consul.health-summary (default on): the "consul" service on every registered server.
    for (const node of registered.filter((n) => n.server)) {
      emit('consul_catalog_service_node_healthy', alive(node) ? 1 : 0, {
        node: node.name,
        service_id: 'consul',
        service_name: 'consul',
      });
    }
  }
  if (!failed.has('peers')) {
    emit('consul_raft_peers', state.raftPeers ?? registered.filter((node) => node.server).length);
  }
  if (!failed.has('leader')) {
    emit('consul_raft_leader', state.leaderSeen ? 1 : 0);
  }
  if (!failed.has('nodes')) {
    emit('consul_serf_lan_members', registered.length);
  }
  if (!failed.has('members')) {
    for (const node of state.nodes) {
      emit('consul_serf_lan_member_info', node.status, {
        member: node.name,
        role: node.server ? 'consul' : 'node',
        version: versionOf(node),
      });
    }
    for (const node of state.nodes) {
      emit('consul_serf_lan_member_status', node.status, { member: node.name });
    }
  }
  if (!failed.has('wanMembers')) {
    // The WAN pool holds the servers only, named <node>.<dc>.
    const dc = state.datacenter ?? 'dc1';
    for (const node of state.nodes.filter((n) => n.server)) {
      emit('consul_serf_wan_member_info', node.status, {
        member: `${node.name}.${dc}`,
        dc,
        role: 'consul',
        version: versionOf(node),
      });
      emit('consul_serf_wan_member_status', node.status, { member: `${node.name}.${dc}`, dc });
    }
  }
  if (!failed.has('health')) {
    for (const check of checks) {
      if (state.legacyNoStatusLabel) {
        emit('consul_health_node_status', check.status === 'passing' ? 1 : 0, { check: check.check, node: check.node });
      } else {
        for (const status of CHECK_STATUSES) {
          emit('consul_health_node_status', check.status === status ? 1 : 0, {
            check: check.check,
            node: check.node,
            status,
          });
        }
      }
    }
  }
  emit('consul_up', failed.size === 0 ? 1 : 0);
  return gather(CONSUL_METRICS, out);
}

/** The exposition of `consulScrape`; throws `ScrapeFailure` when the exporter would answer an error. */
export function consulExposition(state: ConsulState): string {
  return bodyOf(consulScrape(state));
}

/** A healthy cluster: `servers` servers `consul-server-1…` and `clients` clients `consul-client-1…`, all alive. */
export function consulCluster(servers: number, clients: number): ConsulState {
  return {
    nodes: [
      ...Array.from({ length: servers }, (_, i) => ({
        name: `consul-server-${i + 1}`,
        server: true,
        status: 1 as const,
      })),
      ...Array.from({ length: clients }, (_, i) => ({
        name: `consul-client-${i + 1}`,
        server: false,
        status: 1 as const,
      })),
    ],
    leaderSeen: true,
  };
}

/** The same cluster with some members in another Serf status (e.g. 4 = failed). */
export function withMemberStatus(state: ConsulState, status: SerfStatus, ...names: string[]): ConsulState {
  const unknown = names.filter((name) => !state.nodes.some((node) => node.name === name));
  if (unknown.length > 0) {
    throw new Error(`no such Consul member: ${unknown.join(', ')}`);
  }
  return { ...state, nodes: state.nodes.map((node) => (names.includes(node.name) ? { ...node, status } : node)) };
}
