/**
 * A copy of `s` that keeps no larger string alive, for keys a long-lived cache takes from request data.
 *
 * V8 represents a substring (`url.slice(0, q)`, a `split` part, a header parsed out of a buffer) as a view of the
 * string it was cut from, so a cache that keeps a 10-character path as a key can keep the whole 16 KB request line
 * — query string included — alive with it. Prefixing one character builds a new string that `slice(1)` flattens
 * into fresh storage: the result refers to that copy (one character longer than `s`) and nothing else.
 *
 * @example
 * cache.set(detachedCopy(req.path), verdict)
 */
export function detachedCopy(s: string): string {
  return ` ${s}`.slice(1)
}
