// negotiator 0.6 ships no types; only the part this service uses.
declare module 'negotiator' {
  import type { IncomingHttpHeaders } from 'node:http';

  class Negotiator {
    constructor(request: { headers: IncomingHttpHeaders });
    /** The provided languages the client accepts, best first (q-values, then specificity). */
    languages(available?: string[]): string[];
  }
  export = Negotiator;
}
