import {
  FieldConfigProperty,
  PanelOptionsEditorBuilder,
  createDataFrame,
  identityOverrideProcessor,
  standardEditorsRegistry,
  standardFieldConfigEditorRegistry,
  type FieldOverrideContext,
} from '@grafana/data';
import { plugin } from './module';
import { addOptions } from './options';
import { statusFrames } from './testFrames';
import { DEFAULT_OPTIONS, type StatusPanelOptions } from './types';

// Grafana registers its option editors at startup; here stand-ins with the same ids do.
const NoEditor = () => null;
standardEditorsRegistry.setInit(() =>
  ['radio', 'boolean', 'multi-select', 'text'].map((id) => ({ id, name: id, editor: NoEditor }))
);
standardFieldConfigEditorRegistry.setInit(() =>
  Object.values(FieldConfigProperty).map((id) => ({
    id,
    path: id,
    name: id,
    editor: NoEditor,
    override: NoEditor,
    process: identityOverrideProcessor,
    shouldApply: () => true,
  }))
);

function items() {
  const builder = new PanelOptionsEditorBuilder<StatusPanelOptions>();
  addOptions(builder);
  return builder.getItems();
}

function item(path: keyof StatusPanelOptions) {
  const found = items().find((candidate) => candidate.path === path);
  if (!found) {
    throw new Error(`no option ${path}`);
  }
  return found;
}

describe('panel options', () => {
  it.each([
    ['layout', 'Layout'],
    ['textSize', 'Layout'],
    ['showReasons', 'Layout'],
    ['components', 'Components'],
    ['hideHealthy', 'Components'],
    ['sort', 'Components'],
    ['staleAfter', 'Staleness'],
  ] as const)('%s is in the category %s', (path, category) => {
    expect(item(path).category).toEqual([category]);
  });

  it('has an option for every setting, and nothing else', () => {
    expect(
      items()
        .map((option) => option.path)
        .sort()
    ).toEqual(Object.keys(DEFAULT_OPTIONS).sort());
  });

  it('gives the plugin the panel’s defaults', () => {
    expect(plugin.defaults).toEqual({
      layout: 'grid',
      textSize: 'auto',
      showReasons: true,
      hideHealthy: false,
      sort: 'severity',
      staleAfter: '5m',
    });
  });

  it.each([
    ['grid', true],
    ['list', true],
    ['compact', false],
  ] as const)('asks about reasons on tiles only where tiles show them (layout %s: %s)', (layout, shown) => {
    expect(item('showReasons').showIf?.({ ...DEFAULT_OPTIONS, layout })).toBe(shown);
  });

  it('offers the components of the current data to choose from', async () => {
    const settings = item('components').settings;
    const context: FieldOverrideContext = { data: statusFrames() };
    await expect(settings.getOptions(context)).resolves.toEqual([
      { value: 'hosts', label: 'Hosts', description: 'hosts' },
      { value: 'docker', label: 'Docker engines', description: 'docker' },
      { value: 'swarm', label: 'Swarm managers', description: 'swarm' },
    ]);
    await expect(settings.getOptions({ data: [createDataFrame({ fields: [] })] })).resolves.toEqual([]);
  });

  it('keeps only the standard "Data links" field option', () => {
    expect(plugin.fieldConfigRegistry.list().map((option) => option.id)).toEqual([FieldConfigProperty.Links]);
  });
});
