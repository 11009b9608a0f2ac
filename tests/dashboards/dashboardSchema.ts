import path from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

const ROOT = path.join(__dirname, '../..');

/**
 * The JSON Schema of a dashboard, generated from `@grafana/schema`'s `Dashboard` type (no dashboard schema
 * ships in any package). Strict: `additionalProperties: false` everywhere, so unknown panel keys are errors.
 * Generated on every run (~2 s), so it always matches the installed @grafana/schema.
 */
export function generateDashboardSchema(): Record<string, unknown> {
  const generator = createGenerator({
    path: path.join(ROOT, 'node_modules/@grafana/schema/dist/types/raw/dashboard/x/types.gen.d.ts'),
    tsconfig: path.join(__dirname, 'schema.tsconfig.json'),
    type: 'Dashboard',
    skipTypeCheck: true,
    expose: 'export',
  });
  return generator.createSchema('Dashboard') as Record<string, unknown>;
}
