import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api'
import { SamplingDecision } from '@opentelemetry/api'
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace-base'

/** Set by the server-span observer around the one `startSpan` of a root it has already decided to record. */
export interface RootDecision {
  rootRecorded: boolean
}

const RECORDED: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED })

/**
 * The provider's sampler, except for a root the server-span observer has already decided on its trace id with the
 * same rule (`traceIdRatio`, the ratio samplers' root decision): that span is recorded without deciding again,
 * which would repeat the id's parsing. Every other span (children, roots started by the app) goes to `inner`.
 *
 * @example
 * new BasicTracerProvider({ sampler: createDecidedRootSampler(createSampler(settings), nextIds) })
 */
export function createDecidedRootSampler(inner: Sampler, decision: RootDecision): Sampler {
  return {
    shouldSample(
      context: Context,
      traceId: string,
      name: string,
      kind: SpanKind,
      attributes: Attributes,
      links: Link[],
    ): SamplingResult {
      if (decision.rootRecorded) {
        decision.rootRecorded = false
        return RECORDED
      }
      return inner.shouldSample(context, traceId, name, kind, attributes, links)
    },
    toString: () => inner.toString(),
  }
}
