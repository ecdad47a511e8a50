/**
 * Checks real requests and responses against a published OpenAPI document (read from ../shared/specs at test
 * time): the operation exists, path and query parameters have the declared types and enums, required ones
 * are present, unknown ones are reported, and JSON bodies validate against the declared schemas.
 * OpenAPI 3.0 documents are converted (`nullable`) and checked as JSON Schema draft-07; 3.1 as 2020-12.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/** The shared folder beside the project, as on CI. */
export const SHARED_SPECS = join(import.meta.dirname, '..', '..', '..', 'shared', 'specs');

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
}

interface Operation {
  method: string;
  template: string;
  pointer: string;
  node: Json;
  parameters: Parameter[];
}

export interface CheckedRequest {
  method: string;
  url: string | URL;
  body?: unknown;
  headers?: Headers | Record<string, string>;
}

export interface OpenApiOptions {
  /** Path prefixes that come before the document's paths (`/v1`, `/api/v1`). */
  basePaths?: readonly string[];
  /** Query parameters to accept although undocumented. */
  allowExtraQuery?: readonly string[];
  /** Array query values may also arrive comma-joined (`1,2`). Default false: repeated keys only. */
  commaArrays?: boolean;
  /**
   * Known, documented deviations of the real API from the document (e.g. Pipedrive's `duration.end: null`,
   * which the spec types as string). Matching problems are dropped; keep each one justified where it is set.
   */
  deviations?: readonly RegExp[];
}

export class OpenApiDocument {
  readonly document: Json;
  readonly #ajv: Ajv;
  readonly #operations: Operation[] = [];
  readonly #compiled = new Map<string, ValidateFunction>();
  readonly #options: OpenApiOptions;

  constructor(document: Json, options: OpenApiOptions = {}) {
    this.#options = options;
    const is31 = String(document.openapi).startsWith('3.1');
    this.document = is31 ? document : convertNullable(document);
    this.#ajv = is31
      ? new Ajv2020({ strict: false, allErrors: true })
      : new Ajv({ strict: false, allErrors: true });
    addFormats.default(this.#ajv);
    this.#ajv.addSchema(this.document, 'spec');
    for (const [template, item] of Object.entries((this.document.paths ?? {}) as Record<string, Json>)) {
      const shared = (item.parameters ?? []) as Json[];
      for (const [method, node] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const op = node as Json;
        const parameters = [...shared, ...((op.parameters ?? []) as Json[])].map(
          (p) => this.#deref(p) as unknown as Parameter,
        );
        this.#operations.push({
          method: method.toUpperCase(),
          template,
          pointer: `/paths/${escapePointer(template)}/${method}`,
          node: op,
          parameters,
        });
      }
    }
  }

  static load(relativePath: string, options?: OpenApiOptions): OpenApiDocument {
    const text = readFileSync(join(SHARED_SPECS, relativePath), 'utf8');
    const document = relativePath.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    return new OpenApiDocument(document as Json, options);
  }

  /** The operation a request addresses, preferring literal path segments over parameters. */
  operation(
    method: string,
    url: string | URL,
  ): { operation: Operation; params: Record<string, string> } | undefined {
    const pathname = new URL(String(url)).pathname;
    const candidates = [
      pathname,
      ...(this.#options.basePaths ?? [])
        .filter((base) => pathname.startsWith(`${base}/`))
        .map((base) => pathname.slice(base.length)),
    ];
    const matches: { operation: Operation; params: Record<string, string>; literals: number }[] = [];
    for (const path of candidates) {
      const parts = path.split('/').filter(Boolean);
      for (const operation of this.#operations) {
        if (operation.method !== method.toUpperCase()) continue;
        const segments = operation.template.split('/').filter(Boolean);
        if (segments.length !== parts.length) continue;
        const params: Record<string, string> = {};
        let literals = 0;
        const fits = segments.every((segment, index) => {
          const part = parts[index] as string;
          const param = /^\{(.+)\}$/.exec(segment);
          if (param) {
            params[param[1] as string] = decodeURIComponent(part);
            return true;
          }
          literals++;
          return segment === part;
        });
        if (fits) matches.push({ operation, params, literals });
      }
    }
    matches.sort((a, b) => b.literals - a.literals);
    return matches[0];
  }

  /** Problems with a request; empty when it conforms. */
  checkRequest(request: CheckedRequest): string[] {
    return this.#withoutDeviations(this.#requestProblems(request));
  }

  /** Problems with a response to a request; empty when it conforms. */
  checkResponse(request: CheckedRequest, status: number, body: unknown): string[] {
    return this.#withoutDeviations(this.#responseProblems(request, status, body));
  }

  #withoutDeviations(problems: string[]): string[] {
    const deviations = this.#options.deviations ?? [];
    return problems.filter((problem) => !deviations.some((pattern) => pattern.test(problem)));
  }

  #requestProblems(request: CheckedRequest): string[] {
    const found = this.operation(request.method, request.url);
    const where = `${request.method} ${new URL(String(request.url)).pathname}`;
    if (!found) return [`${where}: no such operation in the spec`];
    const { operation, params } = found;
    const problems: string[] = [];
    const query = new URL(String(request.url)).searchParams;
    for (const parameter of operation.parameters) {
      if (parameter.in === 'path') {
        problems.push(
          ...this.#checkValue(parameter, [params[parameter.name] ?? '']).map((p) => `${where}: ${p}`),
        );
      } else if (parameter.in === 'query') {
        const values = query.getAll(parameter.name);
        if (values.length === 0) {
          if (parameter.required) problems.push(`${where}: query ${parameter.name} is required`);
          continue;
        }
        problems.push(...this.#checkValue(parameter, values).map((p) => `${where}: ${p}`));
      } else if (parameter.in === 'header' && parameter.required) {
        if (!new Headers(request.headers ?? {}).has(parameter.name)) {
          problems.push(`${where}: header ${parameter.name} is required`);
        }
      }
    }
    const known = new Set(operation.parameters.filter((p) => p.in === 'query').map((p) => p.name));
    for (const name of new Set(query.keys())) {
      if (!known.has(name) && !this.#options.allowExtraQuery?.includes(name)) {
        problems.push(`${where}: query ${name} is not in the spec`);
      }
    }
    const body = operation.node.requestBody as Json | undefined;
    if (request.body !== undefined) {
      if (!body) problems.push(`${where}: the spec declares no request body`);
      else
        problems.push(
          ...this.#validate(
            `${operation.pointer}/requestBody/content/application~1json/schema`,
            request.body,
            `${where} body`,
          ),
        );
    } else if (body?.required) {
      problems.push(`${where}: a request body is required`);
    }
    return problems;
  }

  #responseProblems(request: CheckedRequest, status: number, body: unknown): string[] {
    const found = this.operation(request.method, request.url);
    const where = `${request.method} ${new URL(String(request.url)).pathname} → ${status}`;
    if (!found) return [`${where}: no such operation in the spec`];
    const responses = (found.operation.node.responses ?? {}) as Record<string, Json>;
    const key = String(status) in responses ? String(status) : 'default' in responses ? 'default' : undefined;
    if (!key) return [`${where}: status not declared`];
    const content = (responses[key]?.content ?? {}) as Record<string, Json>;
    if (!content['application/json']?.schema) return [];
    return this.#validate(
      `${found.operation.pointer}/responses/${key}/content/application~1json/schema`,
      body,
      `${where} body`,
    );
  }

  /** Example values declared in the spec for a response, parsed (Capillary stores them as JSON text). */
  examples(method: string, template: string, status: string): unknown[] {
    const operation = this.#operations.find(
      (op) => op.method === method.toUpperCase() && op.template === template,
    );
    const content = ((operation?.node.responses as Record<string, Json> | undefined)?.[status]?.content ??
      {}) as Record<string, Json>;
    const examples = (content['application/json']?.examples ?? {}) as Record<string, Json>;
    return Object.values(examples).map((example) => {
      const value = example.value;
      return typeof value === 'string' ? JSON.parse(value) : value;
    });
  }

  #checkValue(parameter: Parameter, raw: string[]): string[] {
    const schema = (this.#deref(parameter.schema ?? {}) ?? {}) as Json;
    const name = `${parameter.in} ${parameter.name}`;
    if (schema.type === 'array') {
      const items = (this.#deref((schema.items ?? {}) as Json) ?? {}) as Json;
      const values = this.#options.commaArrays ? raw.flatMap((value) => value.split(',')) : raw;
      return values.flatMap((value) => checkScalar(items, value, name));
    }
    if (raw.length > 1) return [`${name} is repeated but is not an array`];
    return checkScalar(schema, raw[0] as string, name);
  }

  #validate(pointer: string, value: unknown, where: string): string[] {
    let validate = this.#compiled.get(pointer);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: `spec#${pointer}` });
      this.#compiled.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) => `${where}${error.instancePath || ''} ${error.message ?? 'is invalid'}`,
    );
  }

  #deref(node: Json | undefined): Json | undefined {
    let current = node;
    for (let depth = 0; depth < 8 && typeof current?.$ref === 'string'; depth++) {
      const ref = current.$ref as string;
      if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
      current = ref
        .slice(2)
        .split('/')
        .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
        .reduce<unknown>((value, key) => (value as Json | undefined)?.[key], this.document) as
        | Json
        | undefined;
    }
    return current;
  }
}

function checkScalar(schema: Json, value: string, name: string): string[] {
  const types = ([] as unknown[]).concat(schema.type ?? 'string').filter((t) => t !== 'null');
  const problems: string[] = [];
  const fits = types.some((type) => {
    if (type === 'integer') return /^-?\d+$/.test(value);
    if (type === 'number') return value.trim() !== '' && Number.isFinite(Number(value));
    if (type === 'boolean') return value === 'true' || value === 'false';
    return true;
  });
  if (!fits) problems.push(`${name}=${JSON.stringify(value)} is not ${types.join('|')}`);
  if (Array.isArray(schema.enum) && !schema.enum.map(String).includes(value)) {
    problems.push(`${name}=${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  }
  if (schema.format === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(value))
    problems.push(`${name}=${JSON.stringify(value)} is not a date`);
  return problems;
}

function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** OpenAPI 3.0 `nullable: true` as JSON Schema: the type may also be null. */
export function convertNullable(node: unknown): Json {
  if (Array.isArray(node)) return node.map(convertNullable) as unknown as Json;
  if (typeof node !== 'object' || node === null) return node as Json;
  const result: Json = {};
  for (const [key, value] of Object.entries(node)) result[key] = convertNullable(value);
  if (result.nullable === true) {
    delete result.nullable;
    if (typeof result.type === 'string') result.type = [result.type, 'null'];
    else if (Array.isArray(result.enum)) result.enum = [...result.enum, null];
  }
  return result;
}
