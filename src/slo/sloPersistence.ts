import type { SloBucket, SloBucketsRepository } from '../store/repositories/sloBucketsRepository.ts'
import type { SloConfigsRepository, StoredSloConfig } from '../store/repositories/sloConfigsRepository.ts'
import type {
  SloMeasurement,
  SloMeasurementsRepository,
} from '../store/repositories/sloMeasurementsRepository.ts'

/**
 * What the SLO area persists, as the parts of the ops store's repositories it uses: time buckets of good/total
 * counts, per-tenant SLO overrides, and measurement history. `lookout.store` satisfies it; so does
 * {@link createMemorySloPersistence} (tests, and instances without a store).
 *
 * @example
 * const persistence: SloPersistence = lookout.store
 */
export interface SloPersistence {
  readonly sloBuckets: Pick<SloBucketsRepository, 'add' | 'range' | 'sum'>
  readonly sloConfigs: Pick<SloConfigsRepository, 'get' | 'put' | 'list'>
  readonly sloMeasurements: Pick<SloMeasurementsRepository, 'insert' | 'list'>
}

/**
 * An in-memory {@link SloPersistence} with the store's semantics (additive bucket upserts, newest-first history
 * capped at 1000 per call). Bounded: at most `maxBuckets` buckets and `maxMeasurements` measurements are kept,
 * oldest dropped first.
 *
 * @example
 * const persistence = createMemorySloPersistence()
 * await persistence.sloBuckets.add([{ tenant: 'acme', slo: 'availability', bucketStart: 0, good: 9, total: 10 }])
 */
export function createMemorySloPersistence(
  options: { now?: () => number; maxBuckets?: number; maxMeasurements?: number } = {},
): SloPersistence {
  const now = options.now ?? Date.now
  const maxBuckets = options.maxBuckets ?? 2_000_000
  const maxMeasurements = options.maxMeasurements ?? 100_000
  // tenant\u0001slo → bucketStart → counts (Map keeps insertion order; buckets arrive roughly in time order).
  const buckets = new Map<string, Map<number, { good: number; total: number }>>()
  let bucketCount = 0
  const configs = new Map<string, StoredSloConfig>()
  const measurements: SloMeasurement[] = []

  const key = (tenant: string, slo: string) => `${tenant}\u0001${slo}`
  const inRange = (tenant: string, slo: string, from: number, to: number): SloBucket[] => {
    const series = buckets.get(key(tenant, slo))
    if (series === undefined) return []
    const out: SloBucket[] = []
    for (const [bucketStart, c] of series) {
      if (bucketStart >= from && bucketStart < to) out.push({ tenant, slo, bucketStart, ...c })
    }
    return out.sort((a, b) => a.bucketStart - b.bucketStart)
  }

  return {
    sloBuckets: {
      async add(rows) {
        for (const row of rows) {
          const k = key(row.tenant, row.slo)
          let series = buckets.get(k)
          if (series === undefined) {
            series = new Map()
            buckets.set(k, series)
          }
          const hit = series.get(row.bucketStart)
          if (hit !== undefined) {
            hit.good += row.good
            hit.total += row.total
            continue
          }
          if (bucketCount >= maxBuckets) {
            const first = series.keys().next()
            if (!first.done) {
              series.delete(first.value)
              bucketCount--
            }
          }
          series.set(row.bucketStart, { good: row.good, total: row.total })
          bucketCount++
        }
      },
      async range(tenant, slo, from, to) {
        return inRange(tenant, slo, from, to)
      },
      async sum(tenant, slo, from, to) {
        let good = 0
        let total = 0
        for (const b of inRange(tenant, slo, from, to)) {
          good += b.good
          total += b.total
        }
        return { good, total }
      },
    },
    sloConfigs: {
      async get(tenant) {
        return configs.get(tenant)
      },
      async put(tenant, config) {
        configs.set(tenant, { tenant, config: structuredClone(config), updatedAt: now() })
      },
      async list() {
        return [...configs.values()].sort((a, b) => (a.tenant < b.tenant ? -1 : 1))
      },
    },
    sloMeasurements: {
      async insert(m) {
        measurements.push(m)
        if (measurements.length > maxMeasurements) measurements.shift()
        return measurements.length
      },
      async list(tenant, slo, opts = {}) {
        const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 100), 1), 1000)
        return measurements
          .filter(
            (m) =>
              m.tenant === tenant &&
              m.slo === slo &&
              (opts.since === undefined || m.measuredAt >= opts.since),
          )
          .sort((a, b) => b.measuredAt - a.measuredAt)
          .slice(0, limit)
      },
    },
  }
}
