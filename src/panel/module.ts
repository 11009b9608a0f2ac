import { FieldConfigProperty, PanelPlugin } from '@grafana/data';
import { addOptions } from './options';
import { StatusPanel } from './StatusPanel';
import type { StatusPanelOptions } from './types';

/** Data links are the one standard field option: tiles link to each component's detail dashboard. */
const UNUSED_FIELD_OPTIONS = Object.values(FieldConfigProperty).filter(
  (property) => property !== FieldConfigProperty.Links
);

export const plugin = new PanelPlugin<StatusPanelOptions>(StatusPanel)
  .setPanelOptions(addOptions)
  .useFieldConfig({ disableStandardOptions: UNUSED_FIELD_OPTIONS });
