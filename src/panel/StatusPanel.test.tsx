import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import {
  LoadingState,
  ThemeContext,
  ValueMatcherID,
  createTheme,
  standardTransformers,
  type DataFrame,
} from '@grafana/data';
import { lastValueFrom, of } from 'rxjs';
import { STATUSES, STATUS_DISPLAY } from '../model/status';
import { STATUS_ICON, statusColors } from './colors';
import { STALE_CHECK_MS, StatusPanel } from './StatusPanel';
import { TEST_IDS } from './testIds';
import {
  MINUTE,
  NOW,
  brokenSwarm,
  clusterFrame,
  componentRow,
  componentsFrame,
  dataLink,
  manyComponents,
  panelProps,
  statusFrames,
  threeComponents,
  type PanelPropsOverrides,
} from './testFrames';

function renderPanel(overrides: PanelPropsOverrides = {}, theme = createTheme()) {
  const props = panelProps(overrides);
  const utils = render(
    <ThemeContext.Provider value={theme}>
      <StatusPanel {...props} />
    </ThemeContext.Provider>
  );
  return { ...utils, props };
}

function renderBroken(overrides: PanelPropsOverrides = {}) {
  const { cluster, components } = brokenSwarm();
  return renderPanel({ series: statusFrames(cluster, components), ...overrides });
}

const light = () => screen.getByTestId(TEST_IDS.light);
const tiles = () => screen.queryAllByTestId(TEST_IDS.tile);
const tileOf = (id: string) => {
  const tile = tiles().find((element) => element.dataset.component === id);
  if (!tile) {
    throw new Error(`no tile for ${id}`);
  }
  return tile;
};
const tileIds = () => tiles().map((tile) => tile.dataset.component);
const message = () => screen.getByTestId(TEST_IDS.message);

/** Nothing on screen claims a healthy status. */
function expectNothingGreen() {
  expect(document.querySelector('[data-status="ok"]')).toBeNull();
  expect(screen.queryByText(STATUS_DISPLAY.ok.text)).toBeNull();
}

describe('StatusPanel: the traffic light', () => {
  it.each(STATUSES)('shows %s with its icon, its word and the reason, named for screen readers', (status) => {
    renderPanel({ series: statusFrames({ status, reason: `the reason for ${status}` }) });
    const word = STATUS_DISPLAY[status].text;
    expect(screen.getByRole('status', { name: `Cluster status: ${word}. the reason for ${status}.` })).toBe(light());
    expect(light()).toHaveAttribute('data-status', status);
    expect(screen.getByTestId(TEST_IDS.lightWord)).toHaveTextContent(word);
    expect(within(light()).getByTestId(STATUS_ICON[status])).toBeInTheDocument();
    expect(screen.getByTestId(TEST_IDS.lightReason)).toHaveTextContent(`the reason for ${status}`);
  });

  it('names the root cause under the reason, by its display name', () => {
    renderBroken();
    expect(screen.getByTestId(TEST_IDS.lightRootCause)).toHaveTextContent('Root cause: Swarm managers');
    expect(light()).toHaveAccessibleName(
      'Cluster status: Critical. Swarm managers: 1/3 managers: no quorum (2 needed). Root cause: Swarm managers.'
    );
  });

  it('names a root cause that is not among the components by its id', () => {
    renderPanel({ series: statusFrames({ status: 'warning', rootCause: 'consul' }) });
    expect(screen.getByTestId(TEST_IDS.lightRootCause)).toHaveTextContent('Root cause: consul');
  });

  it('shows an unrecognised cluster status as unknown, never green', () => {
    renderPanel({ series: statusFrames({ status: 'green', reason: 'fine' }, [componentRow({ status: 'up' })]) });
    expect(light()).toHaveAttribute('data-status', 'unknown');
    expect(screen.getByTestId(TEST_IDS.lightReason)).toHaveTextContent('unrecognised status "green"; fine');
    expectNothingGreen();
  });

  it.each(['dark', 'light'] as const)('colours the light from the status table in the %s theme', (mode) => {
    const theme = createTheme({ colors: { mode } });
    renderPanel({ series: statusFrames({ status: 'critical' }) }, theme);
    const disc = within(light()).getByTestId(STATUS_ICON.critical).parentElement;
    if (!disc) {
      throw new Error('no disc');
    }
    const expected = statusColors(theme, 'critical');
    expect(getComputedStyle(disc).backgroundColor).toBe(hexToRgb(expected.fill));
    expect(getComputedStyle(disc).color).toBe(hexToRgb(expected.onFill));
  });
});

describe('StatusPanel: states, never shown as green', () => {
  it('no frames: "No data"', () => {
    renderPanel({ series: [] });
    expect(message()).toHaveAttribute('data-kind', 'noData');
    expect(message()).toHaveTextContent('No data');
    expect(screen.queryByTestId(TEST_IDS.light)).toBeNull();
    expectNothingGreen();
  });

  it('loading without data yet: "Loading…", not "No data"', () => {
    renderPanel({ series: [], state: LoadingState.Loading });
    expect(message()).toHaveAttribute('data-kind', 'loading');
  });

  it('keeps showing the data while a refresh is loading', () => {
    renderPanel({ state: LoadingState.Loading });
    expect(light()).toHaveAttribute('data-status', 'ok');
  });

  it('a query error without frames: the message, as an alert', () => {
    renderPanel({ series: [], errors: [{ refId: 'A', message: 'Prometheus is not reachable: ECONNREFUSED' }] });
    expect(screen.getByRole('alert', { name: 'Query error: Prometheus is not reachable: ECONNREFUSED' })).toBe(
      message()
    );
    expect(message()).toHaveTextContent('Prometheus is not reachable: ECONNREFUSED');
    expectNothingGreen();
  });

  it.each([
    ['errors[].data.message', { errors: [{ data: { message: 'bad gateway' } }] }, 'bad gateway'],
    ['the HTTP status', { errors: [{ status: 502 }] }, 'HTTP 502'],
    ['repeated errors once', { errors: [{ message: 'timeout' }, { message: 'timeout' }] }, 'timeout'],
    ['an error state without errors', { errors: [], state: LoadingState.Error }, 'the query failed'],
  ])('a query error reports %s', (_, overrides, text) => {
    renderPanel({ series: [], ...overrides });
    expect(message()).toHaveAccessibleName(`Query error: ${text}`);
  });

  it('a legacy single `error` (older Grafana, some datasources) is a query error too', () => {
    const props = panelProps({ series: [] });
    const data = { ...props.data, error: { message: 'legacy failure' } };
    render(<StatusPanel {...props} data={data} />);
    expect(message()).toHaveAccessibleName('Query error: legacy failure');
  });

  it('a query error next to healthy frames: the light is unknown, never green, and the error is shown', () => {
    renderPanel({ errors: [{ refId: 'B', message: 'timeout after 30 s' }] });
    expect(light()).toHaveAttribute('data-status', 'unknown');
    expect(light()).toHaveAccessibleName('Cluster status: Unknown (query error). all 3 components ok.');
    expect(screen.getByRole('alert')).toHaveTextContent('Query error – timeout after 30 s');
  });

  it('a query error does not soften a critical status', () => {
    renderBroken({ errors: [{ message: 'partial answer' }] });
    expect(light()).toHaveAttribute('data-status', 'critical');
  });

  it.each([
    [
      'no contract frames (a PromQL time series)',
      [componentsFrame(threeComponents(), { name: 'up', omit: ['id', 'name', 'status'] })],
      'no cluster frame (a frame named "cluster" or with the fields status, reason); no components frame (a frame named "components" or with the fields id, name, status)',
    ],
    [
      'a components frame without id and status',
      [clusterFrame(), componentsFrame(threeComponents(), { omit: ['id', 'status'] })],
      'missing fields: components.id, components.status',
    ],
    [
      'a cluster frame without status',
      [clusterFrame({}, { omit: ['status'] }), componentsFrame()],
      'missing field: cluster.status',
    ],
  ])('frames that break the contract: %s → a message naming what is missing', (_, series, missing) => {
    renderPanel({ series });
    expect(message()).toHaveAttribute('data-kind', 'invalid');
    expect(message()).toHaveAccessibleName(`The data does not follow the status contract: ${missing}`);
    expect(message()).toHaveTextContent(missing);
    expectNothingGreen();
  });

  it('a query error wins over frames that break the contract (it explains them)', () => {
    renderPanel({ series: [clusterFrame()], errors: [{ message: 'model invalid' }] });
    expect(message()).toHaveAttribute('data-kind', 'error');
  });

  it('no components in the data: the light and a note', () => {
    renderPanel({ series: statusFrames({ status: 'unknown', reason: 'the model has no components' }, []) });
    expect(light()).toHaveAttribute('data-status', 'unknown');
    expect(screen.getByTestId(TEST_IDS.allHealthy)).toHaveTextContent('No components in the data');
  });
});

describe('StatusPanel: stale data', () => {
  it('shows the last status dimmed and marked, with the age and the limit', () => {
    renderPanel({ series: statusFrames({ evaluatedAt: NOW - 12 * MINUTE }) });
    expect(light()).toHaveAttribute('data-stale', 'true');
    expect(light()).toHaveAccessibleName('Cluster status: OK (stale). all 3 components ok.');
    expect(screen.getByTestId(TEST_IDS.lightWord)).toHaveTextContent('OK stale');
    const warning = screen.getByTestId(TEST_IDS.message);
    expect(warning).toHaveAttribute('data-kind', 'stale');
    expect(warning).toHaveTextContent('Stale: last evaluation 12 min ago (limit 5 min)');
  });

  it.each([
    ['within the default limit', NOW - 4 * MINUTE, {}],
    ['within a longer limit', NOW - 12 * MINUTE, { staleAfter: '15m' }],
    ['with the check off', NOW - 600 * MINUTE, { staleAfter: '0' }],
  ])('is fresh %s', (_, evaluatedAt, options) => {
    renderPanel({ series: statusFrames({ evaluatedAt }), options });
    expect(light()).toHaveAttribute('data-stale', 'false');
    expect(screen.queryByTestId(TEST_IDS.message)).toBeNull();
  });

  it('judges a range that ends in the past by its end, not by the wall clock', () => {
    const end = NOW - 24 * 60 * MINUTE;
    renderPanel({ series: statusFrames({ evaluatedAt: end }), rangeTo: { at: end, raw: '2026-12-03T16:00:00Z' } });
    expect(light()).toHaveAttribute('data-stale', 'false');
  });

  it('turns stale while nothing refreshes (a wall screen whose refresh stopped)', () => {
    jest.useFakeTimers();
    try {
      let clock = NOW;
      renderPanel({ now: () => clock });
      expect(light()).toHaveAttribute('data-stale', 'false');
      clock = NOW + 6 * MINUTE;
      act(() => {
        jest.advanceTimersByTime(STALE_CHECK_MS);
      });
      expect(light()).toHaveAttribute('data-stale', 'true');
      expect(screen.getByTestId(TEST_IDS.message)).toHaveTextContent('last evaluation 6 min ago (limit 5 min)');
    } finally {
      jest.useRealTimers();
    }
  });

  it('says that freshness is unknown when the data has no evaluatedAt (never assumes fresh)', () => {
    renderPanel({ series: [clusterFrame({}, { omit: ['evaluatedAt'] }), componentsFrame()] });
    expect(message()).toHaveAttribute('data-kind', 'freshnessUnknown');
    expect(message()).toHaveTextContent('Freshness unknown');
  });

  it('does not mention freshness without evaluatedAt when the check is off', () => {
    renderPanel({
      series: [clusterFrame({}, { omit: ['evaluatedAt'] }), componentsFrame()],
      options: { staleAfter: '' },
    });
    expect(screen.queryByTestId(TEST_IDS.message)).toBeNull();
  });
});

describe('StatusPanel: tiles', () => {
  it('shows one list item per component, named with its status word', () => {
    renderBroken();
    const list = screen.getByRole('list', { name: 'Components' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(4);
    expect(screen.getByRole('listitem', { name: 'Swarm managers: Critical, 1 of 3 live, root cause' })).toBe(
      tileOf('swarm')
    );
    expect(screen.getByRole('listitem', { name: 'Weave network: Warning, impacted by Swarm managers' })).toBe(
      tileOf('weave')
    );
    expect(screen.getByRole('listitem', { name: 'Hosts: OK, 3 of 3 live' })).toBe(tileOf('hosts'));
  });

  it('shows name, status word, counts and reason on a tile', () => {
    renderBroken();
    const swarm = within(tileOf('swarm'));
    expect(swarm.getByTestId(TEST_IDS.tileName)).toHaveTextContent('Swarm managers');
    expect(swarm.getByText('Critical')).toBeInTheDocument();
    expect(swarm.getByTestId(TEST_IDS.tileCounts)).toHaveTextContent('1/3');
    expect(swarm.getByTestId(TEST_IDS.tileReason)).toHaveTextContent('1/3 managers: no quorum (2 needed)');
    expect(swarm.getByTestId(STATUS_ICON.critical)).toBeInTheDocument();
    expect(tileOf('swarm')).toHaveAttribute('data-status', 'critical');
  });

  it('marks the root cause and the impacted components', () => {
    renderBroken();
    expect(within(tileOf('swarm')).getByTestId(TEST_IDS.tileRootCause)).toHaveTextContent('root cause');
    expect(within(tileOf('weave')).getByTestId(TEST_IDS.tileImpacted)).toHaveTextContent('impacted by Swarm managers');
    expect(screen.getAllByTestId(TEST_IDS.tileRootCause)).toHaveLength(1);
    expect(screen.getAllByTestId(TEST_IDS.tileImpacted)).toHaveLength(1);
  });

  it('has no counts without live and expected', () => {
    renderBroken();
    expect(within(tileOf('weave')).queryByTestId(TEST_IDS.tileCounts)).toBeNull();
  });

  it('shows a component with an unrecognised status as unknown', () => {
    renderPanel({ series: statusFrames({}, [componentRow({ status: 'healthy' })]) });
    expect(tileOf('hosts')).toHaveAttribute('data-status', 'unknown');
    expect(tileOf('hosts')).toHaveAccessibleName('Hosts: Unknown, 3 of 3 live');
  });

  it.each([
    ['focus (keyboard)', (element: HTMLElement) => act(() => element.focus())],
    ['hover', (element: HTMLElement) => fireEvent.mouseOver(element)],
  ])('opens the tooltip with the full explanation on %s', (_, open) => {
    renderBroken();
    open(tileOf('weave'));
    const tooltip = screen.getByRole('tooltip');
    expect(tooltip).toHaveTextContent('Weave network: Warning');
    expect(tooltip).toHaveTextContent('impacted by Swarm managers (critical)');
    expect(tooltip).toHaveTextContent('Non-critical component (weave)');
    expect(tooltip).toHaveTextContent('Depends on: swarm');
    expect(tooltip).toHaveTextContent('Impacted by Swarm managers');
    expect(tileOf('weave')).toHaveAttribute('aria-describedby', tooltip.id);
    expect(tileOf('swarm')).not.toHaveAttribute('aria-describedby');
  });

  it('has one tooltip, which follows the focus from tile to tile', () => {
    renderBroken();
    act(() => tileOf('weave').focus());
    act(() => tileOf('hosts').focus());
    expect(screen.getAllByRole('tooltip')).toHaveLength(1);
    expect(screen.getByRole('tooltip')).toHaveTextContent('Hosts: OK');
    expect(tileOf('weave')).not.toHaveAttribute('aria-describedby');
  });

  it.each([
    ['Escape', (tile: HTMLElement) => fireEvent.keyDown(tile, { key: 'Escape' })],
    ['leaving the tiles', () => fireEvent.mouseLeave(screen.getByTestId(TEST_IDS.tiles))],
    ['moving off the tiles', () => fireEvent.mouseOver(screen.getByTestId(TEST_IDS.tiles))],
    ['scrolling the tiles', () => fireEvent.scroll(screen.getByTestId(TEST_IDS.tiles))],
    ['scrolling the dashboard', () => fireEvent.scroll(document.body)],
    ['resizing the window', () => fireEvent(window, new Event('resize'))],
    ['focus leaving the tiles', () => act(() => (document.activeElement as HTMLElement | null)?.blur())],
  ])('closes the tooltip on %s', (_, closeIt) => {
    renderBroken();
    act(() => tileOf('swarm').focus());
    expect(screen.getByRole('tooltip')).toBeInTheDocument();
    closeIt(tileOf('swarm'));
    expect(screen.queryByRole('tooltip')).toBeNull();
    expect(tileOf('swarm')).not.toHaveAttribute('aria-describedby');
  });

  it('makes every tile reachable by keyboard: a focusable tile, or its link', () => {
    const links = [dataLink('/d/detail?var-component=${component}')];
    const rows = threeComponents();
    renderPanel({
      series: [
        clusterFrame(),
        componentsFrame(rows.slice(0, 1), { config: { links } }),
        componentsFrame(rows.slice(1), { name: null }),
      ],
    });
    const [linked, ...plain] = tiles();
    expect(linked).toBeDefined();
    for (const tile of plain) {
      act(() => tile.focus());
      expect(tile).toHaveFocus();
      expect(screen.getByRole('tooltip')).toHaveTextContent(tile.getAttribute('aria-label')?.split(',')[0] ?? '');
    }
    const link = within(linked as HTMLElement).getByRole('link');
    act(() => link.focus());
    expect(link).toHaveFocus();
    expect(link).toHaveAttribute('aria-describedby', screen.getByRole('tooltip').id);
    expect(screen.getByRole('tooltip')).toHaveTextContent('Hosts: OK');
  });
});

describe('StatusPanel: links', () => {
  it('makes the tile a link from the data links, with variables, named for screen readers', () => {
    const links = [dataLink('/d/detail?var-component=${__data.fields.id}', 'Swarm detail')];
    renderBroken({ series: [clusterFrame(), componentsFrame(brokenSwarm().components, { config: { links } })] });
    const link = within(tileOf('swarm')).getByRole('link', {
      name: 'Swarm managers: Critical, 1 of 3 live. Swarm detail',
    });
    expect(link).toHaveAttribute('href', '/d/detail?var-component=swarm');
    expect(link).not.toHaveAttribute('target');
  });

  it('opens a link marked "open in new tab" safely', () => {
    const links = [dataLink('https://runbooks.example.com/${component}', 'Runbook', true)];
    renderPanel({ series: [clusterFrame(), componentsFrame(threeComponents(), { config: { links } })] });
    const link = within(tileOf('docker')).getByRole('link');
    expect(link).toHaveAttribute('href', 'https://runbooks.example.com/docker');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  });

  it('uses the component’s link field, and shows further links as small links', () => {
    const links = [dataLink('/d/detail?c=${component}', 'Detail')];
    const rows = [componentRow({ link: '/d/hosts-own' })];
    renderPanel({ series: [clusterFrame(), componentsFrame(rows, { config: { links } })] });
    const found = within(tileOf('hosts')).getAllByRole('link');
    expect(found.map((link) => [link.getAttribute('href'), link.getAttribute('aria-label')])).toEqual([
      ['/d/detail?c=hosts', 'Hosts: OK, 3 of 3 live. Detail'],
      ['/d/hosts-own', 'Details: Hosts'],
    ]);
  });

  it.each([
    ['a data link', { links: [dataLink('javascript:alert(1)')] }, ''],
    ['the link field', {}, 'javascript:alert(document.cookie)'],
    ['a data: URL', { links: [dataLink('data:text/html,<script>alert(1)</script>')] }, ''],
  ])('drops an unsafe URL in %s: no link at all', (_, config, link) => {
    const rows = [componentRow({ link })];
    renderPanel({ series: [clusterFrame(), componentsFrame(rows, { config })] });
    expect(within(tileOf('hosts')).queryByRole('link')).toBeNull();
    expect(document.querySelector('a[href^="javascript"], a[href^="data"]')).toBeNull();
    expect(tileOf('hosts')).toHaveAttribute('tabindex', '0');
  });
});

describe('StatusPanel: options', () => {
  it.each(['grid', 'list', 'compact'] as const)('layout %s: every component as a list item', (layout) => {
    renderBroken({ options: { layout } });
    expect(screen.getByTestId(TEST_IDS.tiles)).toHaveAttribute('data-layout', layout);
    expect(tiles()).toHaveLength(4);
    // the status word is always there for screen readers and text readers, even on compact chips
    expect(within(tileOf('swarm')).getByText('Critical')).toBeInTheDocument();
  });

  it.each([
    ['grid', true, true],
    ['list', true, true],
    ['compact', true, false],
    ['grid', false, false],
  ] as const)('layout %s with showReasons %s: reason on the tile %s', (layout, showReasons, shown) => {
    renderBroken({ options: { layout, showReasons } });
    expect(within(tileOf('swarm')).queryByTestId(TEST_IDS.tileReason) !== null).toBe(shown);
  });

  it.each([
    ['severity', ['swarm', 'weave', 'hosts', 'docker']],
    ['name', ['docker', 'hosts', 'swarm', 'weave']],
    ['model', ['hosts', 'docker', 'swarm', 'weave']],
  ] as const)('sorts by %s', (sort, expected) => {
    renderBroken({ options: { sort } });
    expect(tileIds()).toEqual(expected);
  });

  it('shows only the chosen components; a chosen one missing from the data as unknown', () => {
    renderBroken({ options: { components: ['hosts', 'consul'], sort: 'model' } });
    expect(tileIds()).toEqual(['hosts', 'consul']);
    expect(tileOf('consul')).toHaveAccessibleName('consul: Unknown');
    expect(tileOf('consul')).toHaveTextContent('not in the data');
  });

  it('hides healthy tiles and says how many', () => {
    renderBroken({ options: { hideHealthy: true } });
    expect(tileIds()).toEqual(['swarm', 'weave']);
    expect(screen.getByText('2 healthy components hidden')).toBeInTheDocument();
  });

  it('says all is well when hiding healthy tiles leaves none', () => {
    renderPanel({ options: { hideHealthy: true } });
    expect(tiles()).toHaveLength(0);
    expect(screen.getByTestId(TEST_IDS.allHealthy)).toHaveTextContent('All 3 components OK (healthy tiles hidden)');
    expect(light()).toHaveAttribute('data-status', 'ok');
  });

  it.each([
    ['s', 800, 400, '12px'],
    ['m', 800, 400, '14px'],
    ['l', 800, 400, '20px'],
    ['auto', 300, 300, '12px'],
    ['auto', 800, 400, '14px'],
    ['auto', 1920, 1080, '20px'],
  ] as const)('text size %s at %i × %i px: %s', (textSize, width, height, fontSize) => {
    renderPanel({ options: { textSize }, width, height });
    expect(screen.getByTestId(TEST_IDS.panel)).toHaveStyle({ fontSize, width: `${width}px`, height: `${height}px` });
  });

  it('completes options saved without some of them', () => {
    const props = panelProps();
    render(<StatusPanel {...props} options={{ layout: 'list' } as typeof props.options} />);
    expect(screen.getByTestId(TEST_IDS.tiles)).toHaveAttribute('data-layout', 'list');
  });

  it('never changes the options it is given (frozen)', () => {
    expect(() =>
      renderBroken({ options: { components: ['swarm', 'hosts'], sort: 'name', hideHealthy: true } })
    ).not.toThrow();
  });
});

describe('StatusPanel: sizes', () => {
  it.each([
    [60, 30],
    [100, 300],
    [300, 100],
  ])('at %i × %i px shows the light alone, with the reason in its name', (width, height) => {
    renderBroken({ width, height });
    expect(light()).toHaveAccessibleName(
      'Cluster status: Critical. Swarm managers: 1/3 managers: no quorum (2 needed). Root cause: Swarm managers.'
    );
    expect(screen.getByTestId(TEST_IDS.lightWord)).toHaveTextContent('Critical');
    expect(screen.queryByTestId(TEST_IDS.tiles)).toBeNull();
    expect(screen.queryByTestId(TEST_IDS.lightReason)).toBeNull();
  });

  it('marks stale data and query errors on the light alone too', () => {
    renderPanel({
      width: 80,
      height: 40,
      series: statusFrames({ evaluatedAt: NOW - 60 * MINUTE }),
      errors: [{ message: 'x' }],
    });
    expect(light()).toHaveAccessibleName('Cluster status: Unknown (stale, query error). all 3 components ok.');
  });

  it('shows a state message compactly in a tiny panel, the detail in its name', () => {
    renderPanel({ width: 80, height: 40, series: [], errors: [{ message: 'connection refused' }] });
    expect(message()).toHaveAccessibleName('Query error: connection refused');
    expect(message()).toHaveTextContent(/^Query error$/);
  });

  it('fills a wall screen', () => {
    renderBroken({ width: 3840, height: 2160 });
    expect(screen.getByTestId(TEST_IDS.panel)).toHaveStyle({ fontSize: '20px' });
    expect(tiles()).toHaveLength(4);
  });
});

describe('StatusPanel: hostile and unusual text is plain text', () => {
  const HOSTILE = '<img src=x onerror=alert(1)><script>alert(2)</script>';

  it('renders HTML in names, reasons and the cluster reason as text, creating no elements', () => {
    const rows = [componentRow({ id: 'x', name: HOSTILE, reason: HOSTILE, status: 'critical', rootCause: 'x' })];
    const { container } = renderPanel({
      series: statusFrames({ status: 'critical', reason: HOSTILE, rootCause: 'x' }, rows),
    });
    expect(container.querySelector('img, script')).toBeNull();
    expect(document.querySelector('img, script')).toBeNull();
    expect(screen.getByTestId(TEST_IDS.lightReason)).toHaveTextContent(HOSTILE);
    expect(screen.getByTestId(TEST_IDS.lightRootCause)).toHaveTextContent(`Root cause: ${HOSTILE}`);
    expect(within(tileOf('x')).getByTestId(TEST_IDS.tileName)).toHaveTextContent(HOSTILE);
    expect(within(tileOf('x')).getByTestId(TEST_IDS.tileReason)).toHaveTextContent(HOSTILE);
  });

  it('shows HTML in a query error as text', () => {
    renderPanel({ series: [], errors: [{ message: HOSTILE }] });
    expect(document.querySelector('img, script')).toBeNull();
    expect(message()).toHaveTextContent(HOSTILE);
  });

  it.each([
    ['emoji', '🐳 Swarm 🚦'],
    ['right-to-left', 'מנהלי נחיל'],
    ['CJK', '集群管理器'],
    ['combining marks', 'Ŝ̷w̸a̵r̶m̷'],
    ['control-like characters', 'a\u202Eevil\u202Cb'],
  ])('renders a %s name exactly, isolated from the text around it', (_, name) => {
    renderPanel({ series: statusFrames({}, [componentRow({ name })]) });
    const shown = within(tileOf('hosts')).getByTestId(TEST_IDS.tileName);
    expect(shown.textContent).toBe(name);
    expect(shown.querySelector('bdi')?.textContent).toBe(name);
    expect(tileOf('hosts')).toHaveAccessibleName(`${name}: OK, 3 of 3 live`);
  });

  it('renders a 10,000-character name and reason in full (the layout clamps them, the DOM keeps them)', () => {
    const name = 'N'.repeat(10_000);
    const reason = 'r '.repeat(5_000).trim();
    renderPanel({ series: statusFrames({ reason }, [componentRow({ name, reason })]) });
    expect(within(tileOf('hosts')).getByTestId(TEST_IDS.tileName).textContent).toHaveLength(10_000);
    expect(within(tileOf('hosts')).getByTestId(TEST_IDS.tileReason).textContent).toBe(reason);
  });
});

type FilterOptions = Parameters<typeof standardTransformers.filterByValueTransformer.operator>[0];

describe('StatusPanel: any source', () => {
  async function transform(
    frames: DataFrame[],
    operator: ReturnType<typeof standardTransformers.filterByValueTransformer.operator>
  ) {
    return lastValueFrom(of(frames).pipe(operator));
  }

  it('reads frames without names (after transformations)', () => {
    const { cluster, components } = brokenSwarm();
    renderPanel({ series: statusFrames(cluster, components, { name: null }) });
    expect(light()).toHaveAttribute('data-status', 'critical');
    expect(tiles()).toHaveLength(4);
  });

  it('reads frames after Grafana’s "Filter data by values" transformation (unhealthy components only)', async () => {
    const { cluster, components } = brokenSwarm();
    const operator = standardTransformers.filterByValueTransformer.operator(
      {
        // the enums of these two are not exported by @grafana/data
        type: 'exclude' as FilterOptions['type'],
        match: 'any' as FilterOptions['match'],
        filters: [
          {
            fieldName: 'status',
            config: { id: ValueMatcherID.equal, options: { value: 'ok' } },
          },
        ],
      },
      { interpolate: (value: string) => value }
    );
    // Grafana filters one frame at a time well; with several frames it applies the rows of the first.
    const filtered = await transform([componentsFrame(components)], operator);
    renderPanel({ series: [clusterFrame(cluster), ...filtered], options: { sort: 'model' } });
    expect(light()).toHaveAttribute('data-status', 'critical');
    expect(tileIds()).toEqual(['swarm', 'weave']);
  });

  it('reads frames after Grafana’s "Organize fields" transformation (fields reordered, some hidden)', async () => {
    const operator = standardTransformers.organizeFieldsTransformer.operator(
      {
        excludeByName: { critical: true, dependsOn: true, link: true },
        indexByName: { status: 0, reason: 1, name: 2, id: 3 },
        renameByName: {},
      },
      { interpolate: (value: string) => value }
    );
    const { cluster, components } = brokenSwarm();
    const series = await transform(statusFrames(cluster, components), operator);
    renderPanel({ series });
    expect(tileOf('swarm')).toHaveAccessibleName('Swarm managers: Critical, 1 of 3 live, root cause');
  });

  it('tells when a transformation removed a contract field', async () => {
    const operator = standardTransformers.filterFieldsByNameTransformer.operator(
      { exclude: { names: ['status'] } },
      { interpolate: (value: string) => value }
    );
    const series = await transform(statusFrames(), operator);
    renderPanel({ series });
    expect(message()).toHaveTextContent('missing fields: cluster.status, components.status');
  });
});

describe('StatusPanel: scale', () => {
  it('renders 1,000 tiles, all present, the worst first', () => {
    renderPanel({ series: statusFrames({ status: 'warning' }, manyComponents(1000)), width: 1920, height: 1080 });
    const all = tiles();
    expect(all).toHaveLength(1000);
    expect(new Set(all.map((tile) => tile.dataset.component)).size).toBe(1000);
    expect(all[0]).toHaveAttribute('data-status', 'warning');
    expect(all[999]).toHaveAttribute('data-status', 'ok');
  });

  it('updates what a refresh changed and keeps the rest', () => {
    const { cluster, components } = brokenSwarm();
    const { rerender, props } = renderPanel({ series: statusFrames(cluster, components), options: { sort: 'model' } });
    const hostsBefore = tileOf('hosts');
    const healed = components.map((row) =>
      row.id === 'swarm' ? { ...row, status: 'ok', reason: '3/3 managers' } : row
    );
    rerender(
      <ThemeContext.Provider value={createTheme()}>
        <StatusPanel {...props} data={{ ...props.data, series: statusFrames(cluster, healed) }} />
      </ThemeContext.Provider>
    );
    expect(tileOf('swarm')).toHaveAttribute('data-status', 'ok');
    expect(within(tileOf('swarm')).getByTestId(TEST_IDS.tileReason)).toHaveTextContent('3/3 managers');
    expect(tileOf('hosts')).toBe(hostsBefore);
  });

  it('keeps the tiles (same DOM nodes) when only the clock moves', () => {
    jest.useFakeTimers();
    try {
      let clock = NOW;
      renderPanel({ series: statusFrames({}, manyComponents(50)), now: () => clock });
      const before = tiles();
      clock += MINUTE;
      act(() => {
        jest.advanceTimersByTime(STALE_CHECK_MS);
      });
      expect(tiles()).toEqual(before);
    } finally {
      jest.useRealTimers();
    }
  });
});

/** `#rrggbb` as jsdom's computed `rgb(r, g, b)`. */
function hexToRgb(hex: string): string {
  const value = hex.replace('#', '');
  const [r, g, b] = [0, 2, 4].map((start) => parseInt(value.slice(start, start + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}
