/**
 * Test helpers for adapter authors: the shared conformance suite and the invalid inputs every adapter refuses.
 * Requires vitest (an optional peer dependency).
 */
export { type ConformanceSubject, type GoalAdapterSuiteOptions, testGoalAdapter } from './conformance.ts';
export { type InvalidInputCase, invalidGoalInputs } from './invalid-inputs.ts';
