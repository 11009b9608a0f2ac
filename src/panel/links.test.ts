import { applyFieldOverrides, createTheme, type DataFrame, type DataLink } from '@grafana/data';
import { readContract, type PanelComponent } from './contract';
import { componentLinks, safeHref } from './links';
import { dataLink, fakeReplaceVariables, statusFrames, threeComponents, componentRow } from './testFrames';

function componentsOf(frames: DataFrame[]): PanelComponent[] {
  const result = readContract(frames);
  if (result.kind !== 'ok') {
    throw new Error('unreadable test frames');
  }
  return result.data.components;
}

function linksOf(frames: DataFrame[], index = 0) {
  const component = componentsOf(frames)[index];
  if (!component) {
    throw new Error(`no component ${index}`);
  }
  return componentLinks(component, { replaceVariables: fakeReplaceVariables, timeZone: 'utc' });
}

function framesWithLinks(links: DataLink[], rows = threeComponents()) {
  return statusFrames({}, rows, { config: { links } });
}

describe('safeHref', () => {
  it.each([
    ['/d/swarm?var-component=swarm', '/d/swarm?var-component=swarm'],
    ['https://wiki.example.com/runbooks/swarm', 'https://wiki.example.com/runbooks/swarm'],
    ['javascript:alert(1)', null],
    ['  JavaScript:alert(1)', null],
    ['java\tscript:alert(1)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['vbscript:msgbox(1)', null],
    ['', null],
    ['   ', null],
  ])('%j → %j', (url, expected) => {
    expect(safeHref(url)).toBe(expected);
  });
});

describe('componentLinks', () => {
  it('has no links without data links or a link field', () => {
    expect(linksOf(statusFrames())).toEqual([]);
  });

  it.each([
    ['${component}', '/d/detail?var-component=${component}', '/d/detail?var-component=docker'],
    ['${__data.fields.id}', '/d/detail?var-component=${__data.fields.id}', '/d/detail?var-component=docker'],
    ['${__data.fields.name}, URL-encoded', '/d/detail?name=${__data.fields.name}', '/d/detail?name=Docker%20engines'],
    ['an unknown variable, left as is', '/d/detail?x=${nope}', '/d/detail?x=${nope}'],
  ])('interpolates a data link with %s', (_, url, href) => {
    expect(linksOf(framesWithLinks([dataLink(url)]), 1)).toEqual([{ href, title: 'Detail dashboard' }]);
  });

  it('works on frames as Grafana passes them (after applyFieldOverrides, with its data context)', () => {
    const links = [dataLink('/d/detail?var-component=${__data.fields.id}', 'Open ${component}', true)];
    const frames = applyFieldOverrides({
      data: framesWithLinks(links),
      fieldConfig: { defaults: {}, overrides: [] },
      replaceVariables: fakeReplaceVariables,
      theme: createTheme(),
      timeZone: 'utc',
    });
    expect(frames[1]?.fields[0]?.state?.scopedVars?.__dataContext).toBeDefined();
    expect(linksOf(frames, 2)).toEqual([
      { href: '/d/detail?var-component=swarm', title: 'Open swarm', target: '_blank' },
    ]);
  });

  it('escapes hostile ids in the URL instead of breaking out of it', () => {
    const rows = [componentRow({ id: 'a"><script>&b=1', name: 'x' })];
    expect(linksOf(framesWithLinks([dataLink('/d/detail?c=${__data.fields.id}')], rows))[0]?.href).toBe(
      '/d/detail?c=a%22%3E%3Cscript%3E%26b%3D1'
    );
  });

  it.each(['javascript:alert(1)', 'JAVASCRIPT:alert(document.cookie)', 'data:text/html;base64,PHNjcmlwdD4='])(
    'drops a data link to %s',
    (url) => {
      expect(linksOf(framesWithLinks([dataLink(url), dataLink('/d/ok', 'Safe')]))).toEqual([
        { href: '/d/ok', title: 'Safe' },
      ]);
    }
  );

  it('uses the component’s own link field, interpolated and sanitized', () => {
    const rows = [
      componentRow({ link: '/d/hosts?var-c=${component}' }),
      componentRow({ id: 'evil', link: 'javascript:alert(1)' }),
    ];
    expect(linksOf(statusFrames({}, rows), 0)).toEqual([{ href: '/d/hosts?var-c=hosts', title: 'Details' }]);
    expect(linksOf(statusFrames({}, rows), 1)).toEqual([]);
  });

  it('puts data links first and drops a link field that repeats one', () => {
    const rows = [componentRow({ link: '/d/hosts' })];
    const frames = framesWithLinks([dataLink('/d/hosts', 'Hosts dashboard'), dataLink('/d/runbook', 'Runbook')], rows);
    expect(linksOf(frames)).toEqual([
      { href: '/d/hosts', title: 'Hosts dashboard' },
      { href: '/d/runbook', title: 'Runbook' },
    ]);
  });

  it('prefers the links set on the name field (an override) over those on other fields', () => {
    const frames = statusFrames();
    const [cluster, components] = frames;
    if (!cluster || !components) {
      throw new Error('no frames');
    }
    const fields = components.fields.map((field) => ({
      ...field,
      config: {
        links: [dataLink(field.name === 'name' ? '/d/by-name' : '/d/by-status', field.name)],
      },
    }));
    expect(linksOf([cluster, { ...components, fields }])).toEqual([{ href: '/d/by-name', title: 'name' }]);
  });

  it('gives an untitled link a title', () => {
    expect(linksOf(framesWithLinks([dataLink('/d/x', '')]))).toEqual([{ href: '/d/x', title: 'Details' }]);
  });
});
