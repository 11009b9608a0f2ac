import { PanelPlugin } from '@grafana/data';
import { StatusPanel } from './StatusPanel';

export const plugin = new PanelPlugin(StatusPanel);
