/**
 * ofesseler/gluster_exporter (master fdb453f9, main.go `Collect`), simulated from its source:
 * /work/shared/fixtures/metric-names/gluster_exporter-metric-names.txt, with the older names of builds
 * before 2018-01-11 (commits 1cf1e0e, 58dd243: `gluster_brick_count` "Number of bricks at last query.",
 * `gluster_volumes_count`), and the parsing traps reproduced on real Gluster 10.3 output
 * (fixtures/real/gluster, METRICS.md):
 * - `gluster_volumes_available` (formerly `gluster_volumes_count`) is the number of volumes in
 *   `volume info`, started or not; `gluster_brick_available{volume}` (formerly `gluster_brick_count`) the
 *   CONFIGURED brick count; `gluster_volume_status{volume}` 0 Created, 1 Started, 2 Stopped.
 * - `gluster_peers_connected` counts the peers `peer status` lists, whatever their state, without itself.
 * - `gluster_heal_info_files_count{volume}` (summed over bricks) exists only for started replicate/disperse
 *   volumes whose bricks are all up: a down brick reports `-` entries, the exporter's Atoi fails and the
 *   series of THAT volume vanishes (the loop goes on with the next volume).
 * - `gluster_node_*{hostname,path,volume}` come from `volume status all detail`: a down brick has port
 *   `N/A`, the XML decoding stops there, and the series of that volume AND EVERY VOLUME LISTED AFTER IT
 *   vanish. Stopped volumes are not in that output at all.
 * - When `gluster volume info` fails (glusterd down, CLI error exit), `Collect` emits `gluster_up` 0 and
 *   then 1 again: client_golang rejects the duplicate and the whole scrape fails with HTTP 500 (`up == 0`).
 *   `gluster_up` 0 alone only comes from an answer with a non-zero `opErrno`.
 */
import { bodyOf, gather, type Collected, type MetricDescriptor, type ScrapeAnswer } from './exposition';

/** `gluster_volume_status`: 0 Created, 1 Started, 2 Stopped. */
export type GlusterVolumeStatus = 0 | 1 | 2;

export interface GlusterVolume {
  name: string;
  status: GlusterVolumeStatus;
  /** Configured bricks (`brickCount` of `volume info`). */
  bricks: number;
  /** Replicate/disperse (has heal info); default: more than one brick. A pure distribute volume has none. */
  replicated?: boolean;
  /** Files pending heal (summed over bricks, default 0), or 'vanished': a brick of this volume is down. */
  healPending?: number | 'vanished';
  /** Hosts of the bricks, one per brick (default gluster-1, gluster-2, … round robin over `hosts`). */
  brickHosts?: string[];
}

export interface GlusterMount {
  volume: string;
  mountpoint: string;
  /** The exporter's touch test (`gluster_volume_writeable`). */
  writeable: boolean;
}

export interface GlusterState {
  /** Metric names: `current` (since 2018-01) or `legacy` (`gluster_volumes_count`, `gluster_brick_count`). */
  generation?: 'current' | 'legacy';
  /** false: `volume info` answered with a non-zero opErrno: a single `gluster_up 0`, nothing listed. */
  up?: boolean;
  /** `gluster volume info` fails: `gluster_up` is collected twice and the scrape fails with HTTP 500. */
  volumeInfoFails?: boolean;
  volumes: GlusterVolume[];
  /** Peers listed by `peer status` (connected or not), excluding the exporter's own node. */
  peers: number;
  /** Hosts of the trusted pool, for brick host names (default gluster-1 … gluster-(peers+1)). */
  hosts?: string[];
  mounts?: GlusterMount[];
  /** The exporter's HTTP answer fails with this status for another reason. */
  httpError?: number;
}

const NODE_HELP = 'Labels are to distinguish origins';

export const GLUSTER_METRICS = {
  gluster_up: { type: 'gauge', help: 'Was the last query of Gluster successful.' },
  gluster_volumes_available: { type: 'gauge', help: 'How many volumes were up at the last query.' },
  gluster_volumes_count: { type: 'gauge', help: 'How many volumes were up at the last query.' },
  gluster_volume_status: { type: 'gauge', help: 'Status code of requested volume.' },
  gluster_node_size_free_bytes: {
    type: 'gauge',
    help: `Free bytes reported for each node on each instance. ${NODE_HELP}`,
  },
  gluster_node_size_bytes_total: {
    type: 'counter',
    help: `Total bytes reported for each node on each instance. ${NODE_HELP}`,
  },
  gluster_node_inodes_total: {
    type: 'counter',
    help: `Total inodes reported for each node on each instance. ${NODE_HELP}`,
  },
  gluster_node_inodes_free: {
    type: 'gauge',
    help: `Free inodes reported for each node on each instance. ${NODE_HELP}`,
  },
  gluster_brick_available: { type: 'gauge', help: 'Number of bricks available at last query.' },
  gluster_brick_count: { type: 'gauge', help: 'Number of bricks at last query.' },
  gluster_peers_connected: { type: 'gauge', help: 'Is peer connected to gluster cluster.' },
  gluster_heal_info_files_count: {
    type: 'counter',
    help: "File count of files out of sync, when calling 'gluster v heal VOLNAME info",
  },
  gluster_volume_writeable: {
    type: 'gauge',
    help: 'Writes and deletes file in Volume and checks if it is writeable',
  },
  gluster_mount_successful: { type: 'gauge', help: 'Checks if mountpoint exists, returns a bool value 0 or 1' },
} as const satisfies Record<string, MetricDescriptor>;

/** Sizes of the real bricks in fixtures/real/gluster (volume status all detail). */
const BRICK = { sizeTotal: 270553174016, sizeFree: 243768635392, inodesTotal: 16777216, inodesFree: 16230097 };

/** What one gluster_exporter answers for this state (collection order as in its `Collect`). */
export function glusterScrape(state: GlusterState): ScrapeAnswer {
  if (state.httpError !== undefined) {
    return { ok: false, status: state.httpError, body: `simulated gluster_exporter failure ${state.httpError}\n` };
  }
  const legacy = state.generation === 'legacy';
  const out: Collected[] = [];
  const emit = (name: keyof typeof GLUSTER_METRICS, value: number, labels?: Record<string, string>) =>
    out.push({ name, value, labels });
  const hosts = state.hosts ?? Array.from({ length: state.peers + 1 }, (_, i) => `gluster-${i + 1}`);
  const glusterdAnswers = !state.volumeInfoFails && state.up !== false;
  const volumes = glusterdAnswers ? state.volumes : [];

  // volume info
  if (state.volumeInfoFails) {
    emit('gluster_up', 0);
  }
  emit('gluster_up', state.up === false ? 0 : 1);
  emit(legacy ? 'gluster_volumes_count' : 'gluster_volumes_available', volumes.length);
  for (const volume of volumes) {
    emit(legacy ? 'gluster_brick_count' : 'gluster_brick_available', volume.bricks, { volume: volume.name });
    emit('gluster_volume_status', volume.status, { volume: volume.name });
  }
  // peer status (fails too when glusterd does not answer: an empty list, 0)
  emit('gluster_peers_connected', glusterdAnswers ? state.peers : 0);
  // volume status all detail: started volumes only, decoding stops at the first brick with port N/A
  for (const volume of volumes.filter((v) => v.status === 1)) {
    if (volume.healPending === 'vanished') {
      break;
    }
    for (let brick = 0; brick < volume.bricks; brick++) {
      const hostname = volume.brickHosts?.[brick] ?? hosts[brick % hosts.length] ?? 'gluster-1';
      const labels = { hostname, path: `/srv/gluster/${volume.name}/brick${brick + 1}`, volume: volume.name };
      emit('gluster_node_size_bytes_total', BRICK.sizeTotal, labels);
      emit('gluster_node_size_free_bytes', BRICK.sizeFree, labels);
      emit('gluster_node_inodes_total', BRICK.inodesTotal, labels);
      emit('gluster_node_inodes_free', BRICK.inodesFree, labels);
    }
  }
  // volume list + heal info per volume: only started replicated volumes with every brick up
  for (const volume of volumes) {
    const replicated = volume.replicated ?? volume.bricks > 1;
    if (volume.status === 1 && replicated && volume.healPending !== 'vanished') {
      emit('gluster_heal_info_files_count', volume.healPending ?? 0, { volume: volume.name });
    }
  }
  for (const mount of state.mounts ?? []) {
    emit('gluster_mount_successful', 1, { volume: mount.volume, mountpoint: mount.mountpoint });
    emit('gluster_volume_writeable', mount.writeable ? 1 : 0, { volume: mount.volume, mountpoint: mount.mountpoint });
  }
  return gather(GLUSTER_METRICS, out);
}

/** The exposition of `glusterScrape`; throws `ScrapeFailure` when the exporter would answer an error. */
export function glusterExposition(state: GlusterState): string {
  return bodyOf(glusterScrape(state));
}

/**
 * The pool of fixtures/real/gluster, spread over `peers + 1` hosts: `v1` a 1-brick distribute volume
 * (no heal info, ever) and `v2` a replica-3 volume, both started and in sync.
 */
export function glusterCluster(peers = 2): GlusterState {
  return {
    volumes: [
      { name: 'v1', status: 1, bricks: 1, replicated: false },
      { name: 'v2', status: 1, bricks: 3, replicated: true, healPending: 0 },
    ],
    peers,
  };
}

/** The same state with one volume changed. */
export function withVolume(state: GlusterState, name: string, change: Partial<GlusterVolume>): GlusterState {
  if (!state.volumes.some((volume) => volume.name === name)) {
    throw new Error(`no such Gluster volume: ${name}`);
  }
  return {
    ...state,
    volumes: state.volumes.map((volume) => (volume.name === name ? { ...volume, ...change } : volume)),
  };
}
