import { LineCounter, parseDocument } from 'yaml';

import type { ClusterModel } from './types';
import { validateModel, type ValidationError } from './validate';

export interface ParsedModel {
  /** Present only when the document parsed and the model is valid. */
  model?: ClusterModel;
  errors: ValidationError[];
}

/**
 * Reads a model document written by a person (YAML, or JSON, which YAML also reads) and validates it.
 * Syntax errors name where they are: `line 3, column 5: Map keys must be unique`. With the hint `json`,
 * bare words that JSON would reject (`{"role": member}`) are errors too. Never throws.
 */
export function parseModelDocument(text: string, formatHint?: 'yaml' | 'json'): ParsedModel {
  if (typeof text !== 'string' || text.trim() === '') {
    return { errors: [{ path: '', message: 'the model document is empty' }] };
  }
  const parsed = parseText(text, formatHint);
  if ('errors' in parsed) {
    return { errors: parsed.errors };
  }
  const result = validateModel(parsed.value);
  return result.valid ? { model: result.model, errors: [] } : { errors: result.errors };
}

function parseText(
  text: string,
  formatHint: 'yaml' | 'json' | undefined
): { value: unknown } | { errors: ValidationError[] } {
  const lineCounter = new LineCounter();
  try {
    const document = parseDocument(text, {
      lineCounter,
      prettyErrors: false,
      schema: formatHint === 'json' ? 'json' : 'core',
      uniqueKeys: true,
    });
    if (document.errors.length > 0) {
      return {
        errors: document.errors.map((error) => {
          const { line, col } = lineCounter.linePos(error.pos[0]);
          return { path: `line ${line}, column ${col}`, message: error.message };
        }),
      };
    }
    // toJS resolves aliases; it throws on an unresolved alias or an alias bomb (more than 100 expansions).
    return { value: document.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    return {
      errors: [{ path: '', message: error instanceof Error ? error.message : 'the document could not be read' }],
    };
  }
}
