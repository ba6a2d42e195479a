/**
 * Template expansions in configuration files: `"%(%%environment.values.clusterName)"`.
 *
 * App Services resolves them when an app is created or pushed, against the environment named in
 * the root file (docs: reference/config/template-expansions), in string fields only. The loader
 * does the same at load time. A string that is exactly one template becomes the value itself
 * (so a template may give a boolean or an array); a template inside a longer string is replaced
 * by the value's text.
 */
import type { EnvironmentDefinition, JsonValue } from '../definition';

const TEMPLATE = /%\(([^)]*)\)/g;

export interface TemplateFailure {
  path: PropertyKey[];
  message: string;
}

export class TemplateResolver {
  constructor(private readonly environment: EnvironmentDefinition) {}

  /** Returns `value` with every template expanded; failures are reported and leave the text as is. */
  resolve(value: unknown, fail: (failure: TemplateFailure) => void, path: PropertyKey[] = []): unknown {
    if (typeof value === 'string') return this.resolveString(value, (message) => fail({ path, message }));
    if (Array.isArray(value)) return value.map((item, index) => this.resolve(item, fail, [...path, index]));
    if (value !== null && typeof value === 'object') {
      const resolved: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) resolved[key] = this.resolve(item, fail, [...path, key]);
      return resolved;
    }
    return value;
  }

  private resolveString(text: string, fail: (message: string) => void): unknown {
    if (!text.includes('%(')) return text;
    const whole = /^%\(([^)]*)\)$/.exec(text);
    if (whole) {
      const expanded = this.expand(whole[1] as string, fail);
      return expanded === undefined ? text : expanded;
    }
    return text.replace(TEMPLATE, (template, expansion: string) => {
      const expanded = this.expand(expansion, fail);
      if (expanded === undefined) return template;
      return typeof expanded === 'string' ? expanded : JSON.stringify(expanded);
    });
  }

  private expand(expansion: string, fail: (message: string) => void): JsonValue | undefined {
    const trimmed = expansion.trim();
    if (trimmed === '%%environment.tag') return this.environment.tag;
    const prefix = '%%environment.values.';
    if (!trimmed.startsWith(prefix)) {
      fail(`cannot expand "%(${expansion})": configuration files may only use %%environment.tag and %%environment.values.<name>`);
      return undefined;
    }
    let current: JsonValue | undefined = this.environment.values;
    for (const segment of trimmed.slice(prefix.length).split('.')) {
      current = current !== null && typeof current === 'object' && !Array.isArray(current) && Object.hasOwn(current, segment) ? current[segment] : undefined;
    }
    if (current === undefined) {
      const source = this.environment.file ?? `environments/${this.environment.tag || 'no-environment'}.json (missing)`;
      fail(`cannot expand "%(${expansion})": the active environment ${describeTag(this.environment.tag)} has no value "${trimmed.slice(prefix.length)}" in ${source}`);
    }
    return current;
  }
}

function describeTag(tag: string): string {
  return tag === '' ? '(none, "environment": "")' : `"${tag}"`;
}
