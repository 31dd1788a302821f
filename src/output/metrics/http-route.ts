/** The route shape of `bmeter serve`'s HTTP listener, re-exported for the metrics route. */
export type { Route } from '../../serve/http/route.js';
