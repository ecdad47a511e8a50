/**
 * A tiny method + path router for simulators. `:name` segments capture one decoded path segment, so an
 * encoded `..%2Fdeals` arrives as the literal id `../deals` and can only ever be looked up, never followed.
 */
export type RouteParams = Record<string, string>;

interface Route<H> {
  method: string;
  segments: string[];
  handler: H;
}

export interface RouteMatch<H> {
  handler: H;
  params: RouteParams;
  /** The route's template, e.g. `/v1/goals/:id`, for stats. */
  template: string;
}

export class Router<H> {
  readonly #routes: Route<H>[] = [];

  add(method: string, template: string, handler: H): this {
    this.#routes.push({
      method: method.toUpperCase(),
      segments: template.split('/').filter(Boolean),
      handler,
    });
    return this;
  }

  /** The matching route, `'method-not-allowed'` when only the method differs, or undefined. */
  match(method: string, pathname: string): RouteMatch<H> | 'method-not-allowed' | undefined {
    const parts = pathname.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method !== method.toUpperCase()) {
        pathMatched = true;
        continue;
      }
      return { handler: route.handler, params, template: `/${route.segments.join('/')}` };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}

function matchSegments(template: string[], parts: string[]): RouteParams | undefined {
  if (template.length !== parts.length) return undefined;
  const params: RouteParams = {};
  for (let index = 0; index < template.length; index++) {
    const expected = template[index] as string;
    const actual = parts[index] as string;
    if (expected.startsWith(':')) {
      try {
        params[expected.slice(1)] = decodeURIComponent(actual);
      } catch {
        return undefined;
      }
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}
