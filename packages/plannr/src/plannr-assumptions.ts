/**
 * Every fact about Plannr's goals API that the public docs do not state, kept in one place.
 *
 * The adapter and the simulator both read these values, so correcting one assumption is a one-line change
 * here, and both sides follow. Each entry says what is assumed, why, and where the reasoning is in the shared
 * research (`reference/plannr.md §…`, sources cited there as [S#]). The package README lists them all.
 */
export const PLANNR_ASSUMPTIONS = {
  /**
   * `GET /api/v2/goals` exists. Not found in any stored doc page; every other v2 resource has an index
   * endpoint [S8], v1 goals have one [S4], and "visible when filtering goals by circles" implies one [S1]
   * (reference §1.1, §6.1). `false` removes `list` from the adapter and the route from the simulator.
   */
  listEndpoint: true,

  /**
   * `DELETE /api/v2/goals/{uuid}` exists and answers 204 with no body, after `DELETE /api/v1/plans/{uuid}`
   * [S11] (reference §1.5). The adapter accepts any 2xx; `false` removes `delete` on both sides.
   */
  deleteEndpoint: true,
  deleteStatus: 204,

  /**
   * `POST /api/v2/goals` answers 201, like Plannr's other creates [S10] and any Laravel resource for a fresh
   * model (reference §1.2, §6.2). The adapter accepts 200 and 201.
   */
  createStatus: 201,

  /**
   * Listing is Laravel's length-aware paginator: `page` (1-based) and `per_page`, default 15, max 500 as
   * documented for v1 goals [S4, S15]; the envelope's inner `links`/`meta` keys are Laravel's (reference §1.1,
   * §2.4). A `per_page` above the maximum is clamped, not refused; a missing or unreadable one means the
   * default. No cursor pagination exists.
   */
  pagination: {
    pageParameter: 'page',
    perPageParameter: 'per_page',
    defaultPerPage: 15,
    maxPerPage: 500,
  },

  /**
   * The list's sort fields and default are v1's [S4]; filters are `/api/v2/contact-details`' [S8]; the grammar
   * (`sort=-field`, `filter[x]=a,b`, `include=a,b`, 400 for names not allowed) is spatie/laravel-query-builder's
   * (reference §1.1, §2.4, §2.5).
   */
  listQuery: {
    sortFields: ['created_at', 'updated_at', 'progress', 'complete_goal_by', 'priority'],
    defaultSort: 'created_at',
    /** `filter[<name>]` for each of the adapter's `filter` options. */
    filters: { uuid: 'uuid', accountUuids: 'account_uuids', circleUuids: 'circle_uuids' },
  },

  /**
   * Reads can load the goal's owners and circles as relations: `include=accounts` (slim account objects, as
   * `/api/v2/contact-details` offers [S8]) and `include=visible_to_circles` (circle objects [S10]); v1's
   * `shared_owner` include [S4] is accepted too. The documented responses carry neither (reference §1.0, §6.8).
   * Set a relation to `undefined` if Plannr has no such include: the adapter then stops asking for it and reads
   * owners from `shared_owner` alone, and declares `owners` as no longer round-tripping.
   */
  includes: {
    owners: 'accounts' as string | undefined,
    circles: 'visible_to_circles' as string | undefined,
    sharedOwner: 'shared_owner',
  },

  /**
   * Goal responses carry `shown_on_circles` as a plain boolean attribute, since it is a column the PUT writes
   * [S1, S7]; the documented example omits it (reference §1.0, §6.8). With `false` the simulator stops sending
   * it, and the adapter knows the flag only from its own writes.
   */
  shownOnCirclesInResponse: true,

  /**
   * Create and update answers are the bare resource, without relations, as the documented PUT answer is [S1].
   * The adapter does not depend on it: it takes owners and circles from the accepted request when an answer
   * lacks them, and reads the goal again after an update that did not set them. The simulator answers so.
   */
  writeResponsesLoadRelations: false,

  /**
   * Single goals come bare, as every documented single-resource example does [S1, S3, S5, S10], although
   * Laravel's default wraps them in `data` (reference §1.2, §6.6). The adapter accepts both; this is what the
   * simulator sends.
   */
  singleResourceWrapped: false,

  /**
   * The request's integer `target_amount` is in minor units (pennies), like the response's `amount` (documented
   * as pennies) and the documented client `value` ("£5,000 would be 500000") [S1, S19] (reference §1.0.1, §6.5).
   * `major` would mean whole pounds: the adapter would then refuse pence, and read answers as before.
   */
  targetAmountUnit: 'minor' as 'minor' | 'major',

  /** Money is the firm's currency, GBP: Plannr is a UK product, its docs speak of pennies [S19] (reference §1.0.1, §5). */
  accountCurrency: 'GBP',

  /** `target_amount.formatted` follows UK formatting: `£5,000.00` (reference §1.0.1), as `Intl` formats money. */
  moneyFormatLocale: 'en-GB',

  /**
   * Required on create: `account_uuids` (at least one client account) and `name`; the doc pages carry no
   * required markers (reference §1.2, §6.3). Update is partial: only keys sent change, `account_uuids` and
   * `visible_to_circles_uuids` replace their lists (reference §1.4).
   */
  requiredOnCreate: ['account_uuids', 'name'],

  /**
   * `shared_owner_type` is `individual` when the goal has one owner (then `shared_owner` is that account) and
   * `shared` otherwise, with no `shared_owner`; only `individual` is documented [S1, S5] (reference §1.0, §6.8).
   */
  sharedOwnerTypes: { single: 'individual', several: 'shared' },

  /**
   * The POST example spells the flag `show_on_circles` [S2], the PUT field list and example `shown_on_circles`
   * [S1, S7] — a documented inconsistency (reference §1.2, §6.4). The adapter writes the formal name; the
   * simulator accepts both.
   */
  shownOnCirclesWriteKey: 'shown_on_circles' as 'shown_on_circles' | 'show_on_circles',

  /** An omitted flag stores `false`, the value both documented examples send [S1, S2]. */
  shownOnCirclesDefault: false,

  /**
   * Filtering by circle finds a goal when the circle is in its visibility list, or the list is blank and the
   * circle holds one of its owners [S1 wording] (reference §5). `false`: any circle holding an owner finds it.
   */
  circleFilterFollowsVisibility: true,

  /**
   * `shown_on_circles` does not hide a goal from the circle filter: S1 describes that filter by the visibility
   * list alone, and by default a goal is visible in every circle holding one of its owners (reference §5) —
   * with the flag omitted (`shownOnCirclesDefault`) and the list blank. `true` would make the filter skip
   * goals whose flag is off.
   */
  circleFilterNeedsShownFlag: false,

  /**
   * Times are rendered in Europe/London (an IANA zone) with a numeric offset and no fraction
   * (`2026-04-29T12:53:00+01:00`) [S1, S3]; `complete_goal_by` is stored as a date and rendered as that day's
   * midnight there; the time in the docs' example is an artifact (reference §1.0, §2.7, §6.9).
   */
  timeZone: 'Europe/London',

  /**
   * Laravel's default middleware trims strings and turns empty strings into null before validation. The
   * adapter sends trimmed text (with a warning when that changed something) so what it reads back is what it
   * wrote.
   */
  trimsStrings: true,

  /**
   * A request without `X-PLANNR-ACCOUNT-UUID` "will throw an error" [S14]; status and body are not documented
   * (reference §2.3, §6.7). An account the token has no login to is refused like any authorization failure.
   */
  missingAccountHeader: { status: 400, message: 'The X-PLANNR-ACCOUNT-UUID header is required.' },
  foreignAccountHeader: { status: 403, message: 'This action is unauthorized.' },

  /**
   * Error bodies beyond the documented 401 are Laravel's defaults: `{message}` for 403/404/429/500 and
   * `{message, errors: {field: [messages]}}` for 422 with Laravel 10 wording (reference §2.5, §6.7).
   */
  errorMessages: {
    forbidden: 'This action is unauthorized.',
    goalNotFound: 'No query results for model [App\\Models\\Goal]',
    tooManyAttempts: 'Too Many Attempts.',
    serverError: 'Server Error',
  },

  /**
   * `X-RateLimit-Remaining` is on every response [S16] (documented; named here so every name is in one place);
   * `X-RateLimit-Limit` too, and a 429 adds `Retry-After` (seconds) and `X-RateLimit-Reset` (unix seconds), as
   * Laravel's throttle middleware sends them (reference §2.6). Lower case: header names are case-insensitive.
   */
  rateLimitHeaders: {
    remaining: 'x-ratelimit-remaining',
    limit: 'x-ratelimit-limit',
    retryAfter: 'retry-after',
    reset: 'x-ratelimit-reset',
  },
} as const;

export type PlannrAssumptions = typeof PLANNR_ASSUMPTIONS;
