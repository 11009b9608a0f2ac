import { lastValueFrom, type Subscription } from 'rxjs';
import { dateTime, type DataFrame, type DataQueryResponse } from '@grafana/data';
import { planQuery, type ClusterModel } from '../model';
import { ClusterDataSource } from './datasource';
import {
  END,
  aRequest,
  instanceSettings,
  scriptedBackendSrv,
  templateSrvWith,
  vectorOf,
  type Answer,
  type RecordedRequest,
} from './testServices';
import type { ClusterOptions } from './types';

/** A small model: swarm (quorum of 3, one leader) on docker, with `$job` in an expression. */
const MODEL: ClusterModel = {
  name: 'Test cluster',
  jobs: [{ job: 'docker', describes: 'engines', role: 'member' }],
  components: [
    {
      id: 'docker',
      name: 'Docker engines',
      critical: true,
      checks: [
        {
          kind: 'kOfN',
          id: 'engines',
          title: 'engines',
          job: 'docker',
          items: 'engines',
          healthy: { expr: 'up{job="$job"} == 1', aggregate: 'count' },
          total: 3,
          warningAtLeast: 2,
        },
      ],
    },
    {
      id: 'swarm',
      name: 'Swarm managers',
      critical: true,
      dependsOn: ['docker'],
      checks: [
        {
          kind: 'quorum',
          id: 'managers',
          title: 'manager quorum',
          job: 'docker',
          members: 'managers',
          live: { expr: 'swarm_node_manager == 1', aggregate: 'count' },
          expected: 3,
        },
      ],
    },
  ],
};

const SETTINGS: ClusterOptions = { modelSource: 'document', modelDocument: JSON.stringify(MODEL), timeout: 5 };

const HEALTHY = {
  'docker/engines/healthy': 3,
  'swarm/managers/live': 3,
  'job/docker/targets': 3,
  'job/docker/up': 3,
};

function setup(handler: (request: RecordedRequest) => Answer, settings: ClusterOptions = SETTINGS) {
  const { backendSrv, requests } = scriptedBackendSrv(handler);
  const templateSrv = templateSrvWith({ job: { value: 'docker' }, hosts: { value: ['h1:9100', 'h.2'], multi: true } });
  const datasource = new ClusterDataSource(instanceSettings(settings), backendSrv, templateSrv);
  return { datasource, requests };
}

function field(frame: DataFrame | undefined, name: string): unknown[] {
  const found = frame?.fields.find((f) => f.name === name);
  if (!found) {
    throw new Error(`no field ${name} in frame ${frame?.name}`);
  }
  return [...found.values];
}

function frame(response: DataQueryResponse, name: string, refId = 'A'): DataFrame | undefined {
  return response.data.find((f: DataFrame) => f.name === name && f.refId === refId);
}

describe('status query', () => {
  it('sends ONE instant query through the proxy and returns the cluster and components frames', async () => {
    const { datasource, requests } = setup(() => ({ status: 200, body: vectorOf(HEALTHY) }));
    const response = await lastValueFrom(
      datasource.query(aRequest([{ refId: 'A' }, { refId: 'B', queryType: 'status' }]))
    );

    expect(requests).toHaveLength(1);
    expect(requests[0]?.options).toMatchObject({
      url: '/api/datasources/proxy/uid/panopticon/api/v1/query',
      method: 'POST',
      requestId: 'Q1-instant',
      showErrorAlert: false,
    });
    expect(requests[0]?.form.time).toBe((END / 1000).toFixed(3));
    // Template variables are interpolated into the model before planning.
    expect(requests[0]?.form.query).toContain('up{job="docker"} == 1');
    expect(requests[0]?.form.query).toBe(planQuery(MODEL).query.replace('$job', 'docker'));

    const cluster = frame(response, 'cluster');
    expect(field(cluster, 'status')).toEqual(['ok']);
    expect(field(cluster, 'rootCause')).toEqual(['']);
    const components = frame(response, 'components', 'B');
    expect(field(components, 'id')).toEqual(['docker', 'swarm']);
    expect(field(components, 'status')).toEqual(['ok', 'ok']);
    expect(field(components, 'dependsOn')).toEqual(['', 'docker']);
    expect(field(components, 'live')).toEqual([3, 3]);
    expect(field(components, 'expected')).toEqual([3, 3]);
    expect(field(components, 'critical')).toEqual([true, true]);
    expect(field(components, 'impacted')).toEqual([false, false]);
    expect(response.errors).toEqual([]);
  });

  it('colours statuses for Grafana panels with value mappings', async () => {
    const { datasource } = setup(() => ({ status: 200, body: vectorOf(HEALTHY) }));
    const response = await lastValueFrom(datasource.query(aRequest([{ refId: 'A' }])));
    const status = frame(response, 'cluster')?.fields.find((f) => f.name === 'status');
    expect(status?.config.mappings?.[0]?.options).toMatchObject({
      ok: { text: 'OK', color: 'green' },
      warning: { text: 'Warning', color: 'orange' },
      critical: { text: 'Critical', color: 'red' },
      unknown: { text: 'Unknown', color: 'grey' },
    });
  });

  it('names the root cause and marks the impacted component', async () => {
    const { datasource } = setup(() => ({
      status: 200,
      body: vectorOf({ ...HEALTHY, 'docker/engines/healthy': 1, 'job/docker/up': 1, 'swarm/managers/live': 1 }),
    }));
    const response = await lastValueFrom(datasource.query(aRequest([{ refId: 'A' }])));
    expect(field(frame(response, 'cluster'), 'status')).toEqual(['critical']);
    expect(field(frame(response, 'cluster'), 'rootCause')).toEqual(['docker']);
    expect(field(frame(response, 'components'), 'impacted')).toEqual([false, true]);
  });

  it.each<[string, Answer, RegExp]>([
    [
      'a Prometheus error',
      { status: 400, body: { status: 'error', errorType: 'bad_data', error: 'parse error at char 3' } },
      /Prometheus error: bad_data: parse error at char 3/,
    ],
    [
      'a proxy failure',
      { status: 502, body: { message: 'Bad Gateway' } },
      /HTTP 502.*Bad Gateway.*from the data proxy/,
    ],
    ['a non-Prometheus answer', { status: 200, body: '<html>login</html>' }, /not a Prometheus API response/],
  ])('turns %s into unknown components and a query error, never ok', async (_, answer, message) => {
    const { datasource } = setup(() => answer);
    const response = await lastValueFrom(datasource.query(aRequest([{ refId: 'A' }])));
    expect(field(frame(response, 'cluster'), 'status')).toEqual(['unknown']);
    expect(field(frame(response, 'components'), 'status')).toEqual(['unknown', 'unknown']);
    expect(String(field(frame(response, 'components'), 'reason')[0])).toMatch(message);
    expect(response.errors?.[0]).toMatchObject({ refId: 'A' });
    expect(response.errors?.[0]?.message).toMatch(message);
  });

  it('gives up after the configured timeout: unknown, with the reason', async () => {
    const { datasource, requests } = setup(() => 'never', { ...SETTINGS, timeout: 0.05 });
    const response = await lastValueFrom(datasource.query(aRequest([{ refId: 'A' }])));
    expect(field(frame(response, 'cluster'), 'status')).toEqual(['unknown']);
    expect(field(frame(response, 'cluster'), 'reason')).toEqual(['no answer from Prometheus within 0.05 s']);
    expect(requests[0]?.cancelled).toBe(true);
  });

  it('does not confirm health from a partial answer (VictoriaMetrics isPartial, Prometheus warnings)', async () => {
    const { datasource } = setup(() => ({ status: 200, body: vectorOf(HEALTHY, { isPartial: true }) }));
    const response = await lastValueFrom(datasource.query(aRequest([{ refId: 'A' }])));
    expect(field(frame(response, 'components'), 'status')).toEqual(['unknown', 'unknown']);
    expect(field(frame(response, 'components'), 'reason')[0]).toBe('not confirmed: partial response (isPartial)');
    expect(field(frame(response, 'cluster'), 'status')).toEqual(['unknown']);
  });

  it('cancels the in-flight request when the refresh is abandoned', () => {
    const { datasource, requests } = setup(() => 'never');
    const subscription: Subscription = datasource.query(aRequest([{ refId: 'A' }])).subscribe();
    expect(requests).toHaveLength(1);
    subscription.unsubscribe();
    expect(requests[0]?.cancelled).toBe(true);
  });

  it('reports an invalid model as an error on every model query, without asking Prometheus', async () => {
    const { datasource, requests } = setup(() => ({ status: 200, body: vectorOf(HEALTHY) }), {
      modelSource: 'document',
      modelDocument: 'components: [',
    });
    const response = await lastValueFrom(datasource.query(aRequest([{ refId: 'A' }])));
    expect(requests).toHaveLength(0);
    expect(response.errors?.[0]?.message).toMatch(/^invalid model document: line 1, column/);
  });
});

describe('component query', () => {
  it('shares the one instant query and details the checks and scrape targets', async () => {
    const { datasource, requests } = setup(() => ({
      status: 200,
      body: vectorOf({
        ...HEALTHY,
        'swarm/managers/live': 2,
        'job/docker/down': [[0, { instance: 'm3:9323', job: 'docker' }]],
        'detail/targets': [
          [1, { instance: 'm1:9323', job: 'docker' }],
          [0, { instance: 'm3:9323', job: 'docker' }],
        ],
      }),
    }));
    const response = await lastValueFrom(
      datasource.query(aRequest([{ refId: 'A' }, { refId: 'C', queryType: 'component', component: 'swarm' }]))
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]?.form.query).toContain(
      'label_replace(up{job=~"docker"}, "panopticon_signal", "detail/targets", "", "")'
    );
    const checks = frame(response, 'checks', 'C');
    expect(field(checks, 'id')).toEqual(['managers']);
    expect(field(checks, 'status')).toEqual(['warning']);
    expect(field(checks, 'reason')).toEqual(['2/3 managers, no further failure tolerated; down: m3:9323']);
    expect(field(checks, 'instances')).toEqual(['m3:9323']);
    const instances = frame(response, 'instances', 'C');
    expect(field(instances, 'instance')).toEqual(['m1:9323', 'm3:9323']);
    expect(field(instances, 'up')).toEqual(['ok', 'critical']);
  });

  it('says which components exist when asked for an unknown one', async () => {
    const { datasource } = setup(() => ({ status: 200, body: vectorOf(HEALTHY) }));
    const response = await lastValueFrom(
      datasource.query(aRequest([{ refId: 'C', queryType: 'component', component: 'consul' }]))
    );
    expect(response.errors).toEqual([{ refId: 'C', message: 'unknown component "consul" (known: docker, swarm)' }]);
  });
});

describe('timeline query', () => {
  const STEP = 60_000;
  /** Managers over 5 minutes: 3, 2, 3, 2, 2, 2 (range query, matrix). */
  function matrix(liveManagers: number[]) {
    const start = END - (liveManagers.length - 1) * STEP;
    const series = (key: string, values: number[]) => ({
      metric: { panopticon_signal: key },
      values: values.map((value, index) => [(start + index * STEP) / 1000, String(value)]),
    });
    const three = liveManagers.map(() => 3);
    return {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          series('swarm/managers/live', liveManagers),
          series('docker/engines/healthy', three),
          series('job/docker/targets', three),
          series('job/docker/up', three),
        ],
      },
    };
  }
  const request = (targets: Parameters<typeof aRequest>[0]) =>
    aRequest(targets, {
      intervalMs: STEP,
      range: { from: dateTime(END - 5 * STEP), to: dateTime(END), raw: { from: 'now-5m', to: 'now' } },
    });

  it('evaluates every step from ONE range query into a wide frame for State timeline', async () => {
    const { datasource, requests } = setup(() => ({ status: 200, body: matrix([3, 2, 3, 2, 2, 2]) }));
    const response = await lastValueFrom(datasource.query(request([{ refId: 'T', queryType: 'timeline' }])));
    expect(requests).toHaveLength(1);
    expect(requests[0]?.options.url).toMatch(/\/api\/v1\/query_range$/);
    expect(requests[0]?.form.step).toBe('60.000');
    const timeline = frame(response, 'timeline', 'T');
    expect(timeline?.fields.map((f) => f.name)).toEqual(['time', 'cluster', 'docker', 'swarm']);
    expect(field(timeline, 'time')).toEqual([0, 1, 2, 3, 4, 5].map((i) => END - (5 - i) * STEP));
    expect(field(timeline, 'swarm')).toEqual(['ok', 'warning', 'ok', 'warning', 'warning', 'warning']);
    expect(field(timeline, 'cluster')).toEqual(['ok', 'warning', 'ok', 'warning', 'warning', 'warning']);
  });

  it('damps changes like an alert for: and reports changes for annotations', async () => {
    const { datasource } = setup(() => ({ status: 200, body: matrix([3, 2, 3, 2, 2, 2]) }));
    const response = await lastValueFrom(
      datasource.query(
        request([
          { refId: 'T', queryType: 'timeline', damping: '2m' },
          { refId: 'N', queryType: 'timeline', damping: '2m', output: 'changes' },
        ])
      )
    );
    expect(field(frame(response, 'timeline', 'T'), 'swarm')).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'warning']);
    const changes = frame(response, 'changes', 'N');
    expect(field(changes, 'title')).toEqual(['Test cluster: Warning', 'Swarm managers: Warning']);
    expect(field(changes, 'time')).toEqual([END, END]);
    expect(field(changes, 'tags')).toEqual([
      ['panopticon', 'cluster', 'warning'],
      ['panopticon', 'swarm', 'warning'],
    ]);
  });

  it('refuses a damping that is not a duration', async () => {
    const { datasource } = setup(() => ({ status: 200, body: matrix([3]) }));
    const response = await lastValueFrom(
      datasource.query(request([{ refId: 'T', queryType: 'timeline', damping: 'soon' }]))
    );
    expect(response.errors).toEqual([{ refId: 'T', message: 'damping: expected a duration like 2m, got "soon"' }]);
  });
});

describe('promql query', () => {
  it('passes PromQL through with escaped variables and renders the legend', async () => {
    const { datasource, requests } = setup(() => ({
      status: 200,
      body: {
        status: 'success',
        data: {
          resultType: 'matrix',
          result: [{ metric: { __name__: 'up', instance: 'h1:9100', job: 'node' }, values: [[END / 1000, '1']] }],
        },
      },
    }));
    const response = await lastValueFrom(
      datasource.query(
        aRequest([{ refId: 'P', queryType: 'promql', expr: 'up{instance=~"$hosts"}', legendFormat: '{{instance}} up' }])
      )
    );
    expect(requests[0]?.form.query).toBe('up{instance=~"(h1:9100|h\\\\.2)"}');
    expect(requests[0]?.options.requestId).toBe('Q1-P');
    const series = response.data[0] as DataFrame;
    expect(series.name).toBe('h1:9100 up');
    expect(series.fields[1]?.labels).toEqual({ instance: 'h1:9100', job: 'node' });
    expect([...(series.fields[1]?.values ?? [])]).toEqual([1]);
  });

  it('refuses an empty expression without asking Prometheus', async () => {
    const { datasource, requests } = setup(() => ({ status: 200, body: {} }));
    const response = await lastValueFrom(datasource.query(aRequest([{ refId: 'P', queryType: 'promql', expr: ' ' }])));
    expect(requests).toHaveLength(0);
    expect(response.errors).toEqual([{ refId: 'P', message: 'promql: the expression is empty' }]);
  });
});

describe('metricFindQuery', () => {
  it('lists components from the model', async () => {
    const { datasource } = setup(() => ({ status: 500, body: {} }));
    expect(await datasource.metricFindQuery('components()')).toEqual([
      { text: 'Docker engines', value: 'docker' },
      { text: 'Swarm managers', value: 'swarm' },
    ]);
  });

  it.each([
    ['instances(swarm)', '/api/v1/label/instance/values?match%5B%5D=up%7Bjob%3D%7E%22docker%22%7D'],
    ['label_values(job)', '/api/v1/label/job/values'],
    ['label_values(up{job="$job"}, instance)', '/api/v1/label/instance/values?match%5B%5D=up%7Bjob%3D%22docker%22%7D'],
  ])('%s asks %s', async (query, path) => {
    const { datasource, requests } = setup(() => ({ status: 200, body: { status: 'success', data: ['a', 'b'] } }));
    expect(await datasource.metricFindQuery(query)).toEqual([
      { text: 'a', value: 'a' },
      { text: 'b', value: 'b' },
    ]);
    expect(requests[0]?.options.url).toBe(`/api/datasources/proxy/uid/panopticon${path}`);
  });

  it('explains the supported forms for anything else', async () => {
    const { datasource } = setup(() => ({ status: 200, body: {} }));
    await expect(datasource.metricFindQuery('nodes()')).rejects.toThrow(
      /use components\(\), instances\(<component id>\)/
    );
    await expect(datasource.metricFindQuery('instances(consul)')).rejects.toThrow(
      'instances(): unknown component "consul"'
    );
  });
});

describe('testDatasource', () => {
  const buildInfo = { status: 'success', data: { version: '2.42.0' } };

  it('reports the version and that every component is observed', async () => {
    const { datasource } = setup((r) => ({
      status: 200,
      body: r.options.url.endsWith('buildinfo') ? buildInfo : vectorOf(HEALTHY),
    }));
    expect(await datasource.testDatasource()).toEqual({
      status: 'success',
      message: 'Prometheus 2.42.0: all 2 components observed.',
    });
  });

  it('names what is missing and what to do', async () => {
    const { datasource } = setup((r) => ({
      status: 200,
      body: r.options.url.endsWith('buildinfo') ? buildInfo : vectorOf({}),
    }));
    const result = await datasource.testDatasource();
    expect(result.status).toBe('warning');
    expect(result.message).toBe(
      'Prometheus 2.42.0: 0 of 2 components observed. docker: no series up{job="docker"}: is engines scraped under job docker? swarm: no series up{job="docker"}: is engines scraped under job docker?'
    );
  });

  it('fails clearly when Prometheus cannot be reached, or the model is invalid', async () => {
    const unreachable = setup(() => ({ status: 502, body: { message: 'dial tcp: connection refused' } }));
    expect(await unreachable.datasource.testDatasource()).toEqual({
      status: 'error',
      message:
        "Prometheus is not reachable through Grafana's proxy: HTTP 502: dial tcp: connection refused from the data proxy",
    });
    const invalid = setup(() => ({ status: 200, body: buildInfo }), { presetParams: { managers: 'three' } });
    expect(await invalid.datasource.testDatasource()).toEqual({
      status: 'error',
      message:
        'Prometheus 2.42.0 answered, but invalid preset parameters: managers: expected a positive integer, got "three"',
    });
  });
});
