import {
  getLinksSupplier,
  locationUtil,
  textUtil,
  type DataLinkPostProcessor,
  type Field,
  type InterpolateFunction,
  type ScopedVars,
} from '@grafana/data';
import type { TimeZone } from '@grafana/schema';
import type { PanelComponent } from './contract';

export interface TileLink {
  href: string;
  title: string;
  target?: '_blank';
  /** Set for links with their own click handler (Grafana's internal links, e.g. to Explore). */
  onClick?: (event: unknown) => void;
}

/** What `${component}` stands for in a data link (or the component's own link) of a tile. */
export function componentScopedVars(component: PanelComponent): ScopedVars {
  return { component: { text: component.name, value: component.id } };
}

/** Fields whose links a tile uses, in order of preference: a link set on `name` by an override wins. */
const LINK_FIELDS = ['name', 'status', 'id'];

function linkField(fields: Field[]): Field | undefined {
  const withLinks = fields.filter((field) => (field.config.links?.length ?? 0) > 0);
  return LINK_FIELDS.map((name) => withLinks.find((field) => field.name === name)).find(Boolean) ?? withLinks[0];
}

/**
 * A URL that is safe to put in an `href`: Grafana's sanitizer turns `javascript:`, `data:` and the like into
 * `about:blank`, which is dropped (null), as is an empty URL.
 */
export function safeHref(url: string): string | null {
  const trimmed = url.trim();
  if (trimmed === '') {
    return null;
  }
  const sanitized = textUtil.sanitizeUrl(trimmed);
  return sanitized === '' || sanitized === 'about:blank' ? null : sanitized;
}

export interface LinkContext {
  replaceVariables: InterpolateFunction;
  timeZone?: TimeZone;
  dataLinkPostProcessor?: DataLinkPostProcessor;
}

/**
 * The links of a tile, every URL sanitized, duplicates dropped:
 * 1. Grafana data links set in the panel's field config (standard "Data links" option), evaluated on the
 *    component's row, so `${__data.fields.id}`, `${__value.raw}` and dashboard variables work, plus
 *    `${component}` (the component id) – e.g. `/d/swarm-detail?var-component=${component}`;
 * 2. the component's own `link` field, with the same variables, titled "Details".
 */
export function componentLinks(component: PanelComponent, context: LinkContext): TileLink[] {
  const links: TileLink[] = [];
  const source = component.source;
  const field = source ? linkField(source.frame.fields) : undefined;
  if (source && field) {
    const scopedVars: ScopedVars = { ...field.state?.scopedVars, ...componentScopedVars(component) };
    const supplier = getLinksSupplier(
      source.frame,
      field,
      scopedVars,
      context.replaceVariables,
      context.timeZone,
      context.dataLinkPostProcessor
    );
    for (const model of supplier({ valueRowIndex: source.row })) {
      const href = safeHref(model.href);
      if (href !== null) {
        links.push({
          href,
          title: model.title || 'Details',
          ...(model.target === '_blank' ? { target: '_blank' } : {}),
          ...(model.onClick ? { onClick: (event: unknown) => model.onClick?.(event) } : {}),
        });
      }
    }
  }
  if (component.link.trim() !== '') {
    const interpolated = context.replaceVariables(component.link, componentScopedVars(component));
    const href = safeHref(locationUtil.assureBaseUrl(interpolated));
    if (href !== null) {
      links.push({ href, title: 'Details' });
    }
  }
  const seen = new Set<string>();
  return links.filter((link) => !seen.has(link.href) && seen.add(link.href));
}

/** Whether two link lists lead to the same places with the same titles (a refresh that changed nothing). */
export function sameLinks(a: readonly TileLink[], b: readonly TileLink[]): boolean {
  return (
    a === b ||
    (a.length === b.length &&
      a.every((link, index) => {
        const other = b[index];
        return (
          other !== undefined && link.href === other.href && link.title === other.title && link.target === other.target
        );
      }))
  );
}
