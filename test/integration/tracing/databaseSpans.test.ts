import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { waitFor } from '../../support/binaries.ts'
import { startMariaDb } from '../../support/mariadb.ts'
import { startMongoWireStub } from '../../support/mongoWireStub.ts'
import { type ReceivedSpan, startOtlpReceiver } from '../../support/otlpReceiver.ts'
import { startPostgres } from '../../support/postgres.ts'
import { spawnTsFixture } from '../../support/tsFixture.ts'

const FIXTURES = fileURLToPath(new URL('../../fixtures/tracing-apps/', import.meta.url))
const SERVER = 2
const CLIENT = 3

const system = (s: ReceivedSpan) => s.attributes['db.system.name'] ?? s.attributes['db.system']
const statement = (s: ReceivedSpan) =>
  String(s.attributes['db.query.text'] ?? s.attributes['db.statement'] ?? '')
const operation = (s: ReceivedSpan) => s.attributes['db.operation.name']

// Literal values the app's requests use; none may reach a span.
const LITERALS = [
  'alice@example.com',
  'nobody@example.com',
  'bob@example.com',
  'dave@example.com',
  'eve@example.com',
]

test('lookout/register traces mysql2, Drizzle over mysql2 and pg, and mongodb under the request span', async (outer) => {
  const mariadb = await startMariaDb(outer)
  if (!mariadb) return
  outer.after(() => mariadb.stop())
  const postgres = await startPostgres(outer)
  if (!postgres) return
  outer.after(() => postgres.stop())
  const mongo = await startMongoWireStub()
  const receiver = await startOtlpReceiver()
  outer.after(async () => {
    await mongo.close()
    await receiver.close()
  })
  for (const [file, mongoId] of [
    ['databases-app.mjs', 7],
    ['databases-app.cjs', 8],
  ] as const) {
    await outer.test(`the ${file.endsWith('.mjs') ? 'ESM' : 'CommonJS'} app`, async (t) => {
      const app = spawnTsFixture(
        t,
        `${FIXTURES}${file}`,
        {
          PATH: process.env.PATH,
          MYSQL_URL: mariadb.url,
          DATABASE_URL: postgres.url,
          MONGO_URL: mongo.url,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '20',
          LOOKOUT_HANDLE_SIGNALS: 'false',
        },
        { imports: ['lookout/register'] },
      )
      await waitFor(
        'the app to listen',
        () => {
          if (app.child.exitCode !== null) throw new Error(`app exited: ${app.stderr}`)
          return /READY \d+/.test(app.stdout)
        },
        120_000,
      )
      const port = Number(/READY (\d+)/.exec(app.stdout)![1])

      /** Requests `path`, then returns the server span and the database spans of its trace once `count` arrived. */
      async function trace(path: string, db: string, count: number) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`)
        assert.equal(res.status, 200, `${await res.clone().text()} ${app.stderr.slice(-2000)}`)
        const traceId = res.headers.get('x-trace-id')
        const spans = await receiver.waitForSpans((all) => {
          const mine = all.filter((s) => s.traceId === traceId)
          return mine.some((s) => s.kind === SERVER) && mine.filter((s) => system(s) === db).length >= count
        }, 20_000)
        const mine = spans.filter((s) => s.traceId === traceId)
        const server = mine.find((s) => s.kind === SERVER)!
        const dbSpans = mine.filter((s) => system(s) === db)
        for (const s of dbSpans) {
          assert.equal(s.kind, CLIENT, `${s.name} is a client span`)
          assert.equal(s.resource['service.name'], 'databases-app')
          for (const literal of LITERALS)
            assert.ok(
              !JSON.stringify(s.attributes).includes(literal),
              `${s.name} holds no literal ${literal}`,
            )
        }
        return { server, dbSpans, body: (await res.json()) as Record<string, unknown> }
      }

      await t.test(
        'mysql2 statements are client spans of the request, with their operation and their literals masked',
        async () => {
          const { server, dbSpans, body } = await trace('/mysql/7', 'mysql', 2)
          assert.deepEqual(body, { email: 'alice@example.com', who: 'bob@example.com' })
          assert.deepEqual(dbSpans.map((s) => [s.name, operation(s), statement(s), s.parentSpanId]).sort(), [
            ['SELECT', 'SELECT', 'SELECT ? AS who, ? AS pin', server.spanId],
            ['SELECT', 'SELECT', 'SELECT id, email FROM users WHERE id = ? AND email <> ?', server.spanId],
          ])
          for (const s of dbSpans) {
            assert.equal(s.attributes['db.namespace'], mariadb.database)
            assert.equal(s.attributes['server.address'], '127.0.0.1')
            assert.equal(s.attributes['server.port'], mariadb.port)
          }
        },
      )

      await t.test('a Drizzle query over mysql2 is a mysql2 span under the request', async () => {
        const { server, dbSpans, body } = await trace('/drizzle-mysql/7', 'mysql', 1)
        assert.deepEqual(body, { email: 'alice@example.com' })
        assert.equal(dbSpans.length, 1)
        assert.equal(dbSpans[0]!.parentSpanId, server.spanId)
        assert.equal(statement(dbSpans[0]!), 'select `id`, `email` from `users` where `users`.`id` = ?')
        assert.equal(operation(dbSpans[0]!), 'SELECT')
        assert.equal(dbSpans[0]!.attributes['db.namespace'], mariadb.database)
      })

      await t.test(
        "a Drizzle query over pg is a pg span under the request with its operation; a literal in raw SQL meets Lookout's redactor",
        async () => {
          const { server, dbSpans, body } = await trace('/drizzle-pg/7', 'postgresql', 2)
          assert.deepEqual(body, { email: 'carol@example.com', who: 'eve@example.com' })
          const queries = dbSpans.filter((s) => statement(s) !== '')
          const texts = queries.map(statement).sort()
          assert.deepEqual(texts, [
            "SELECT '[REDACTED_EMAIL]' AS who",
            'select "id", "email" from "accounts" where "accounts"."id" = $1',
          ])
          for (const s of queries) {
            assert.equal(s.parentSpanId, server.spanId, `${s.name} is a child of the request`)
            assert.equal(operation(s), 'SELECT', `${s.name} carries its operation`)
          }
        },
      )

      await t.test(
        'mongodb commands over the wire protocol are client spans of the request, values replaced',
        async () => {
          const { server, dbSpans, body } = await trace(`/mongo/${mongoId}`, 'mongodb', 2)
          assert.deepEqual(body, { email: 'dave@example.com' })
          assert.deepEqual(
            dbSpans
              .map((s) => [
                s.name,
                s.attributes['db.operation.name'],
                s.attributes['db.collection.name'],
                s.attributes['db.namespace'],
                s.attributes['server.address'],
                s.attributes['server.port'],
                s.parentSpanId,
              ])
              .sort(),
            [
              ['find people', 'find', 'people', 'shop', '127.0.0.1', mongo.port, server.spanId],
              ['insert people', 'insert', 'people', 'shop', '127.0.0.1', mongo.port, server.spanId],
            ],
          )
          const find = dbSpans.find((s) => s.name === 'find people')!
          assert.deepEqual(JSON.parse(statement(find)), {
            find: '?',
            filter: { _id: '?' },
            limit: '?',
            singleBatch: '?',
          })
          assert.deepEqual(
            mongo.commands
              .filter((c) => c.name === 'insert' || c.name === 'find')
              .slice(-2)
              .map((c) => `${c.db}.${c.name}`),
            ['shop.insert', 'shop.find'],
          )
          assert.deepEqual(mongo.violations, [])
        },
      )
    })
  }

  await outer.test(
    'statements run outside a request (start-up DDL, seed rows, handshakes) start no trace',
    () => {
      const orphans = receiver.spans.filter((s) => system(s) !== undefined && s.parentSpanId === '')
      assert.deepEqual(
        orphans.map((s) => `${s.name}: ${statement(s)}`),
        [],
      )
    },
  )
})
