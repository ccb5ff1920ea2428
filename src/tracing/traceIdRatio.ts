/**
 * The root decision of OpenTelemetry's `TraceIdRatioBased` sampler for Lookout's own (valid, lower-case hex) trace
 * ids, without the SDK's per-call id validation and result object: the four 32-bit words of the id XOR-ed, below
 * `ratio` × 2³² − 1. The same ids get the same decision as the SDK sampler, so child spans the SDK decides by
 * trace id agree with their root.
 *
 * @param ratio share of traces recorded, 0..1 (out of range or NaN as the SDK treats it)
 * @example
 * const records = traceIdRatio(0.1)
 * records('4bf92f3577b34da6a3ce929d0e0e4736') // false
 */
export function traceIdRatio(ratio: number): (traceId: string) => boolean {
  const upperBound = traceIdRatioBound(ratio)
  return (traceId) => {
    let accumulation = 0
    for (let i = 0; i < 32; i += 8) {
      let word = 0
      for (let j = i; j < i + 8; j++) {
        const c = traceId.charCodeAt(j)
        word = (word << 4) | (c < 58 ? c - 48 : c < 71 ? c - 55 : c - 87)
      }
      accumulation = (accumulation ^ word) >>> 0
    }
    return accumulation < upperBound
  }
}

/**
 * The bound the XOR of a trace id's four 32-bit words is compared with: below it, the root is recorded.
 *
 * @example
 * traceIdRatioBound(1) // 2^32: every id
 */
export function traceIdRatioBound(ratio: number): number {
  const r = typeof ratio !== 'number' || Number.isNaN(ratio) ? 0 : ratio >= 1 ? 1 : ratio <= 0 ? 0 : ratio
  return r === 1 ? 0x100000000 : Math.floor(r * 0xffffffff)
}
