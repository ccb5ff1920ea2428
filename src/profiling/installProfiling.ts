import type { LookoutHost } from '../core/lookoutHost.ts'
import { createContinuousProfiler } from './continuousProfiler.ts'
import { createProfiler, type Profiler } from './createProfiler.ts'
import { createProfileRoutes } from './profileRoutes.ts'
import { createProfilingMetrics } from './profilingMetrics.ts'
import { pyroscopeName } from './pyroscopeName.ts'
import { createPyroscopePusher } from './pyroscopePusher.ts'

/** `lookout.profiling`: on-demand profiles, and whether continuous profiling runs. */
export interface ProfilingApi extends Pick<Profiler, 'cpu' | 'heap'> {
  /** Profiling is switched on (`profiling.enabled`). */
  readonly enabled: boolean
  /** Continuous profiling to Pyroscope is configured (`profiling.pyroscope.url`). */
  readonly continuous: boolean
}

/**
 * Installs the profiling area: `GET /observability/profile/cpu` and `/heap` (operator key; mounted whenever
 * `profiling.enabled`, which is the default — without an operator key configured they answer 401), the heap
 * sampler, and — when `profiling.pyroscope.url` is set — continuous CPU windows pushed to Pyroscope. Metrics:
 * `lookout_profiles_total`, `lookout_profile_pushes_total`, `lookout_profile_push_queue_size`.
 *
 * @example
 * const profiling = installProfiling(host)
 * const { body } = await profiling.cpu({ seconds: 5 })
 */
export function installProfiling(lookout: LookoutHost): ProfilingApi {
  const config = lookout.config
  const settings = config.profiling
  const profiler = createProfiler(config)
  const continuous = settings.enabled && settings.pyroscope.url !== undefined
  const api: ProfilingApi = {
    enabled: settings.enabled,
    continuous,
    cpu: (request) => profiler.cpu(request),
    heap: () => profiler.heap(),
  }
  if (!settings.enabled) return api

  const metrics = createProfilingMetrics(lookout.registry)
  for (const route of createProfileRoutes({ config, profiler, metrics, logger: lookout.logger })) {
    lookout.addRoute(route)
  }

  const py = settings.pyroscope
  const pusher =
    continuous && py.url !== undefined
      ? createPyroscopePusher({
          url: py.url,
          name: pyroscopeName({
            service: config.service,
            version: config.version,
            environment: config.environment,
            instance: config.instance,
            tags: py.tags,
          }),
          sampleRateHz: py.sampleRateHz,
          authToken: py.authToken,
          basicAuth:
            py.basicAuthUser !== undefined && py.basicAuthPassword !== undefined
              ? { user: py.basicAuthUser, password: py.basicAuthPassword }
              : undefined,
          tenantId: py.tenantId,
          timeoutMs: py.timeoutMs,
          maxQueued: py.maxQueued,
          metrics,
          logger: lookout.logger,
        })
      : undefined
  const loop =
    pusher === undefined
      ? undefined
      : createContinuousProfiler({
          intervalSeconds: py.intervalSeconds,
          windowSeconds: py.windowSeconds ?? py.intervalSeconds,
          sampleRateHz: py.sampleRateHz,
          pusher,
          metrics,
          logger: lookout.logger,
        })

  lookout.addArea({
    name: 'profiling',
    async start() {
      try {
        await profiler.start()
      } catch (err) {
        // The heap sampler is a convenience: without it the heap route answers 503; the app still starts.
        lookout.logger.warn({ event: 'heap_sampler_failed', err }, 'the heap sampler could not start')
      }
      if (loop !== undefined) {
        // Awaited: the profiler's one-off start pause happens here, before the app reports ready.
        await loop.start()
        lookout.logger.info(
          {
            event: 'continuous_profiling_started',
            endpoint: new URL(py.url!).origin,
            intervalSeconds: py.intervalSeconds,
            windowSeconds: py.windowSeconds ?? py.intervalSeconds,
            sampleRateHz: py.sampleRateHz,
          },
          'continuous profiling to Pyroscope started',
        )
      }
    },
    async stop() {
      await loop?.stop()
      // Give a push already on the wire a moment, then drop the rest: shutdown must not wait on Pyroscope.
      await pusher?.drain(Math.min(2000, py.timeoutMs))
      pusher?.close()
      await profiler.stop()
    },
  })
  return api
}
