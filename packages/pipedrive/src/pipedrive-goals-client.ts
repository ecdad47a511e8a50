/**
 * The five Goals calls and `GET /currencies` over the core HTTP client: paths built with `urlPath` (an id is
 * always one encoded segment), token costs from the spec, and every response checked against its schema.
 */
import {
  type CallOptions,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  parseAnswerOrThrow,
  type QueryValue,
  urlPath,
} from '@goalbridge/core';
import type * as z from 'zod';
import {
  CurrenciesResponseSchema,
  DeleteGoalResponseSchema,
  FindGoalsResponseSchema,
  GoalResultResponseSchema,
  PIPEDRIVE_TOKEN_COSTS,
  type PipedriveCurrency,
  type PipedriveGoal,
  type PipedriveGoalBody,
  PROVIDER,
  UpsertGoalResponseSchema,
} from './pipedrive-api.ts';

export interface GoalResult {
  /** The achieved count or sum for the period, not a percentage (reference §1.5). */
  progress: number | string;
  goal: PipedriveGoal;
}

export class PipedriveGoalsClient {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  async #call<S extends z.ZodType>(
    schema: S,
    request: Omit<HttpRequest, 'signal' | 'timeoutMs'> & { operation: keyof typeof PIPEDRIVE_TOKEN_COSTS },
    call: CallOptions,
  ): Promise<z.output<S>> {
    const response: HttpResponse = await this.#http.request({
      ...request,
      cost: PIPEDRIVE_TOKEN_COSTS[request.operation],
      signal: call.signal,
      timeoutMs: call.timeoutMs,
    });
    return parseAnswerOrThrow(schema, response.body, response, {
      provider: PROVIDER,
      what: `${request.operation} response`,
    });
  }

  async find(query: Readonly<Record<string, QueryValue>>, call: CallOptions = {}): Promise<PipedriveGoal[]> {
    const response = await this.#call(
      FindGoalsResponseSchema,
      { method: 'GET', path: 'goals/find', query, operation: 'find' },
      call,
    );
    return response.data?.goals ?? [];
  }

  async results(
    id: string,
    period: { start: string; end: string },
    call: CallOptions = {},
  ): Promise<GoalResult> {
    const response = await this.#call(
      GoalResultResponseSchema,
      {
        method: 'GET',
        path: urlPath`goals/${id}/results`,
        query: { 'period.start': period.start, 'period.end': period.end },
        operation: 'results',
      },
      call,
    );
    return response.data;
  }

  async add(body: PipedriveGoalBody, call: CallOptions = {}): Promise<PipedriveGoal> {
    const response = await this.#call(
      UpsertGoalResponseSchema,
      { method: 'POST', path: 'goals', json: body, operation: 'add' },
      call,
    );
    return response.data.goal;
  }

  /** A PUT sets the fields it names to the values given: repeating it is harmless, so it may be retried. */
  async update(id: string, body: PipedriveGoalBody, call: CallOptions = {}): Promise<PipedriveGoal> {
    const response = await this.#call(
      UpsertGoalResponseSchema,
      { method: 'PUT', path: urlPath`goals/${id}`, json: body, operation: 'update', idempotent: true },
      call,
    );
    return response.data.goal;
  }

  async delete(id: string, call: CallOptions = {}): Promise<void> {
    await this.#call(
      DeleteGoalResponseSchema,
      { method: 'DELETE', path: urlPath`goals/${id}`, operation: 'delete' },
      call,
    );
  }

  async currencies(call: CallOptions = {}): Promise<PipedriveCurrency[]> {
    const response = await this.#call(
      CurrenciesResponseSchema,
      { method: 'GET', path: 'currencies', operation: 'currencies' },
      call,
    );
    return response.data ?? [];
  }
}
