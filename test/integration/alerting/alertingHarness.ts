// Shared set-up for alerting integration tests: a Lookout on a temp SQLite (or given) store, wired into Fastify,
// with channel endpoints pointed at a loopback receiver and a fast worker.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import Fastify from 'fastify'
import pino from 'pino'
import { createLookout } from '../../../src/core/createLookout.ts'
import { lookout as lookoutPlugin } from '../../../src/fastify/index.ts'
import { type AlertReceiver, startAlertReceiver } from '../../support/receivers/alertReceiver.ts'

export const OPERATOR_KEY = 'operator-key-0123456789abcdef'
export const ACME_KEY = 'acme-only-key-0123456789abcdef'
export const WEBHOOK_SECRET = 'whsec-0123456789abcdef'
export const ROUTING_KEY = 'R0123456789abcdef0123456789abcde'

export async function alertingHarness(
  t: TestContext,
  options: {
    storeUrl?: string
    cooldownSeconds?: number
    maxAttempts?: number
    backoffMaxMs?: number
    allowPrivateTargets?: boolean
    webhookHosts?: string[]
  } = {},
) {
  const receiver: AlertReceiver = await startAlertReceiver({ webhookSecret: WEBHOOK_SECRET })
  t.after(() => receiver.close())
  let url = options.storeUrl
  if (url === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'lookout-alerting-'))
    t.after(() => rmSync(dir, { recursive: true, force: true }))
    url = `sqlite:${join(dir, 'lookout.db')}`
  }
  const instance = createLookout(
    {
      metrics: { processMetrics: false, hostMetrics: false },
      operator: { keys: [OPERATOR_KEY, { key: ACME_KEY, tenant: 'acme' }] },
      store: { url },
      alerting: {
        enabled: true,
        cooldownSeconds: options.cooldownSeconds ?? 300,
        // The receiver listens on loopback, which the outbound policy refuses unless allowed.
        allowPrivateTargets: options.allowPrivateTargets ?? true,
        ...(options.webhookHosts !== undefined ? { webhookHosts: options.webhookHosts } : {}),
        ...(options.allowPrivateTargets === false
          ? {}
          : {
              endpoints: { pagerduty: receiver.url, opsgenie: receiver.url, opsgenieEu: `${receiver.url}/` },
            }),
        worker: {
          pollIntervalMs: 50,
          backoffBaseMs: 50,
          backoffMaxMs: options.backoffMaxMs ?? 400,
          timeoutMs: 2000,
          leaseMs: 5000,
          maxAttempts: options.maxAttempts ?? 8,
        },
      },
    },
    { env: {}, logger: pino({ level: 'silent' }) },
  )
  const app = Fastify()
  await app.register(lookoutPlugin, { lookout: instance })
  await app.ready()
  await instance.start()
  t.after(async () => {
    await app.close()
    await instance.shutdown()
  })
  const call = async (
    method: 'GET' | 'PUT' | 'POST',
    url: string,
    body?: unknown,
    key: string | null = OPERATOR_KEY,
  ) => {
    const res = await app.inject({
      method,
      url,
      headers: {
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    })
    return {
      status: res.statusCode,
      body: res.body === '' ? undefined : JSON.parse(res.body),
      headers: res.headers,
    }
  }
  return { receiver, instance, app, call }
}

/** A config routing everything to all four channels of the receiver. */
export function allChannels(receiverUrl: string) {
  return {
    channels: [
      { id: 'pd', type: 'pagerduty', routingKey: ROUTING_KEY },
      {
        id: 'og',
        type: 'opsgenie',
        apiKey: 'genie-key-123456',
        region: 'us',
        responders: [{ type: 'team', name: 'sre' }],
      },
      { id: 'hook', type: 'webhook', url: `${receiverUrl}/webhook`, secret: WEBHOOK_SECRET },
      { id: 'slack', type: 'slack', url: `${receiverUrl}/slack/T000/B000/XXXX` },
    ],
    routes: [{ channels: ['pd', 'og', 'hook', 'slack'] }],
  }
}
