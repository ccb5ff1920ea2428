// Type assertions on the public API, checked by `npm run typecheck` (tsc): a change that breaks one is a change
// to what users compile against.

import type * as Root from 'lookout'
import type * as Adapter from 'lookout/adapter'
import type * as FastifySubpath from 'lookout/fastify'
import type { fastifyOptions } from 'lookout/fastify'
import type { compliance, generateSloRules, SloModel, SloRules } from 'lookout/slo'

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Expect<T extends true> = T

export type PublicTypeAssertions = [
  // createLookout takes options (and extras) and returns the instance.
  Expect<Equal<Parameters<typeof Root.createLookout>[0], Root.LookoutOptions | undefined>>,
  Expect<Equal<ReturnType<typeof Root.createLookout>, Root.Lookout>>,
  // The instance exposes each area's API under its documented type.
  Expect<Equal<Root.Lookout['alerts'], Root.AlertsApi>>,
  Expect<Equal<Root.Lookout['slo'], Root.LookoutSlo | undefined>>,
  Expect<Equal<Root.Lookout['status'], Root.StatusApi | undefined>>,
  Expect<Equal<Root.Lookout['tracing'], Root.LookoutTracing>>,
  Expect<Equal<Root.Lookout['health'], Root.Health>>,
  Expect<Equal<Root.Lookout['store'], Root.Store>>,
  Expect<Equal<Root.Lookout['redactor'], Root.Redactor>>,
  Expect<Equal<Root.Lookout['core'], Adapter.LifecycleCore>>,
  Expect<Equal<Root.Lookout['registry'], Adapter.MetricRegistry>>,
  // Span helpers keep the callback's result type.
  Expect<Equal<ReturnType<typeof Root.withSpan<Promise<number>>>, Promise<number>>>,
  // Health checks are HealthChecks.
  Expect<Equal<ReturnType<typeof Root.httpCheck>, Root.HealthCheck>>,
  // fastifyOptions returns only server options Lookout sets.
  Expect<Equal<ReturnType<typeof fastifyOptions>, FastifySubpath.LookoutFastifyServerOptions>>,
  // The Fastify helpers around Fastify's internals are not public.
  Expect<Equal<'routeOf' extends keyof typeof FastifySubpath ? true : false, false>>,
  Expect<Equal<'replyHeadersOf' extends keyof typeof FastifySubpath ? true : false, false>>,
  Expect<Equal<'logControllerOf' extends keyof typeof FastifySubpath ? true : false, false>>,
  // SLO math and rule generation live in lookout/slo, not the root.
  Expect<Equal<'compliance' extends keyof typeof Root ? true : false, false>>,
  Expect<Equal<'generateSloRules' extends keyof typeof Root ? true : false, false>>,
  Expect<Equal<Parameters<typeof generateSloRules>[0], SloModel>>,
  Expect<Equal<ReturnType<typeof generateSloRules>, SloRules>>,
  Expect<Equal<ReturnType<typeof compliance>, number>>,
]
