/**
 * msw bridge: `setupServer(...toMswHandlers(simulator))` serves a simulator to any fetch in the process.
 * A dropped connection becomes msw's network error. Requires msw (an optional peer dependency).
 */
import { HttpResponse, http } from 'msw';
import { isNetworkFault, type Simulator } from '../simulator/simulator.ts';

export function toMswHandlers(simulator: Pick<Simulator, 'origins' | 'handle'>, origins = simulator.origins) {
  return origins.map((origin) =>
    http.all(`${origin.replace(/\/+$/, '')}/*`, async ({ request }) => {
      try {
        return await simulator.handle(request);
      } catch (error) {
        if (isNetworkFault(error)) return HttpResponse.error();
        throw error;
      }
    }),
  );
}
