/**
 * A minimal DataSourceSrv over the datasources the test created (by uid or name), so plugin code that
 * calls getDataSourceSrv() (pickers, mixed queries, variable editors) finds them.
 */
import type { DataSourceApi, DataSourceInstanceSettings, DataSourceRef } from '@grafana/data';
import type { DataSourceSrv, GetDataSourceListFilters } from '@grafana/runtime';

interface Entry {
  settings: DataSourceInstanceSettings;
  instance: DataSourceApi;
}

export class HostDataSourceSrv implements DataSourceSrv {
  private readonly entries = new Map<string, Entry>();

  add(settings: DataSourceInstanceSettings, instance: DataSourceApi): void {
    this.entries.set(settings.uid, { settings, instance });
  }

  instance(uid: string): DataSourceApi | undefined {
    return this.entries.get(uid)?.instance;
  }

  private find(ref?: DataSourceRef | string | null): Entry | undefined {
    const key = typeof ref === 'string' ? ref : ref?.uid;
    if (key === undefined || key === null) {
      return [...this.entries.values()].find((e) => e.settings.isDefault) ?? [...this.entries.values()][0];
    }
    return this.entries.get(key) ?? [...this.entries.values()].find((e) => e.settings.name === key);
  }

  async get(ref?: DataSourceRef | string | null): Promise<DataSourceApi> {
    const entry = this.find(ref);
    if (!entry) {
      throw new Error(`Datasource ${JSON.stringify(ref)} was not found`);
    }
    return entry.instance;
  }

  getList(filters: GetDataSourceListFilters = {}): DataSourceInstanceSettings[] {
    return [...this.entries.values()]
      .map((e) => e.settings)
      .filter((s) => !filters.pluginId || s.meta.id === filters.pluginId)
      .filter((s) => !filters.type || [filters.type].flat().includes(s.type))
      .filter((s) => !filters.filter || filters.filter(s));
  }

  getInstanceSettings(ref?: DataSourceRef | string | null): DataSourceInstanceSettings | undefined {
    return this.find(ref)?.settings;
  }

  reload(): void {}

  registerRuntimeDataSource(): void {
    throw new Error('registerRuntimeDataSource is not supported by the Panopticon test host');
  }
}
