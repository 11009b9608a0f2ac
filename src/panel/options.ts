import type { PanelOptionsEditorBuilder, SelectFieldConfigSettings, SelectableValue } from '@grafana/data';
import { componentChoices } from './contract';
import { DEFAULT_OPTIONS, type Layout, type SortOrder, type StatusPanelOptions, type TextSize } from './types';

type Builder = PanelOptionsEditorBuilder<StatusPanelOptions>;

const LAYOUT_CHOICES: Array<SelectableValue<Layout>> = [
  { value: 'grid', label: 'Grid', description: 'Tiles in a responsive grid' },
  { value: 'list', label: 'List', description: 'One row per component with its reason' },
  { value: 'compact', label: 'Compact', description: 'Small status chips; reasons in the tooltips' },
];

const TEXT_SIZE_CHOICES: Array<SelectableValue<TextSize>> = [
  { value: 'auto', label: 'Auto' },
  { value: 's', label: 'S' },
  { value: 'm', label: 'M' },
  { value: 'l', label: 'L' },
];

const SORT_CHOICES: Array<SelectableValue<SortOrder>> = [
  { value: 'severity', label: 'Severity', description: 'Worst first; the root cause first among equals' },
  { value: 'name', label: 'Name' },
  { value: 'model', label: 'Model order', description: 'As the data lists them' },
];

/** Layout: how tiles are drawn and how large the text is. */
export function addLayoutOptions(builder: Builder): Builder {
  const category = ['Layout'];
  return builder
    .addRadio({
      path: 'layout',
      name: 'Layout',
      description: 'Below 120 px in width or height the panel shows the traffic light alone.',
      category,
      defaultValue: DEFAULT_OPTIONS.layout,
      settings: { options: LAYOUT_CHOICES },
    })
    .addRadio({
      path: 'textSize',
      name: 'Text size',
      description: 'Auto: small in a corner of a dashboard, large on a wall screen.',
      category,
      defaultValue: DEFAULT_OPTIONS.textSize,
      settings: { options: TEXT_SIZE_CHOICES },
    })
    .addBooleanSwitch({
      path: 'showReasons',
      name: 'Show reasons on tiles',
      description: 'The reason is always in the tile’s tooltip.',
      category,
      defaultValue: DEFAULT_OPTIONS.showReasons,
      showIf: (options) => options.layout !== 'compact',
    });
}

/** Components: which tiles, in which order. */
export function addComponentOptions(builder: Builder): Builder {
  const category = ['Components'];
  return builder
    .addMultiSelect<string, SelectFieldConfigSettings<string>>({
      path: 'components',
      name: 'Components to show',
      description: 'Empty: all. A chosen component missing from the data shows as unknown.',
      category,
      settings: {
        options: [],
        allowCustomValue: true,
        getOptions: async (context) => componentChoices(context.data),
      },
    })
    .addBooleanSwitch({
      path: 'hideHealthy',
      name: 'Hide healthy tiles',
      description: 'Show only the components that need a look; the light still sums up all of them.',
      category,
      defaultValue: DEFAULT_OPTIONS.hideHealthy,
    })
    .addRadio({
      path: 'sort',
      name: 'Sort by',
      category,
      defaultValue: DEFAULT_OPTIONS.sort,
      settings: { options: SORT_CHOICES },
    });
}

/** Staleness: when the newest evaluation is too old to be trusted. */
export function addStalenessOptions(builder: Builder): Builder {
  return builder.addTextInput({
    path: 'staleAfter',
    name: 'Stale after',
    description:
      'Age of the newest evaluation after which the panel says it is stale (e.g. 5m, 90s, 1h); 0 turns the check off. An unreadable value means 5m.',
    category: ['Staleness'],
    defaultValue: DEFAULT_OPTIONS.staleAfter,
    settings: { placeholder: '5m' },
  });
}

export function addOptions(builder: Builder): Builder {
  return addStalenessOptions(addComponentOptions(addLayoutOptions(builder)));
}
