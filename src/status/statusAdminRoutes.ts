import { z } from 'zod'
import { json, problem } from '../http/opsResponses.ts'
import type { OpsRequest, OpsResponse, OpsRoute } from '../http/opsRoute.ts'
import { parseJsonBody } from '../http/parseJsonBody.ts'
import type { Store } from '../store/createStore.ts'
import type { Incident, IncidentUpdate } from '../store/repositories/incidentsRepository.ts'
import type { MaintenanceWindow } from '../store/repositories/maintenanceWindowsRepository.ts'
import { INCIDENT_IMPACTS, INCIDENT_STATUSES, STATUS_ROUTES } from './conventions.ts'

const text = (max: number) => z.string().trim().min(1).max(max)
const componentIds = z.array(z.string().min(1).max(63)).max(100)
const instant = z
  .string()
  .datetime({ offset: true })
  .transform((s) => Date.parse(s))

const createIncidentBody = z
  .object({
    title: text(200),
    status: z.enum(INCIDENT_STATUSES).default('investigating'),
    impact: z.enum(INCIDENT_IMPACTS).default('minor'),
    components: componentIds.min(1),
    message: text(5000),
    startedAt: instant.optional(),
  })
  .strict()

const patchIncidentBody = z
  .object({
    status: z.enum(INCIDENT_STATUSES).optional(),
    message: text(5000),
    impact: z.enum(INCIDENT_IMPACTS).optional(),
    title: text(200).optional(),
  })
  .strict()

const maintenanceFields = {
  title: text(200),
  description: z.string().trim().max(5000).default(''),
  /** Empty = every component. */
  components: componentIds.default([]),
  startsAt: instant,
  endsAt: instant,
}

const createMaintenanceBody = z
  .object(maintenanceFields)
  .strict()
  .refine((w) => w.endsAt > w.startsAt, { message: 'endsAt must be after startsAt', path: ['endsAt'] })

const patchMaintenanceBody = z
  .object({
    title: maintenanceFields.title.optional(),
    description: z.string().trim().max(5000).optional(),
    components: componentIds.optional(),
    startsAt: instant.optional(),
    endsAt: instant.optional(),
  })
  .strict()
  .refine((w) => Object.keys(w).length > 0, 'at least one field to change')

/** Options of {@link createStatusAdminRoutes}. */
export interface StatusAdminRoutesOptions {
  readonly store: () => Store
  /** Component ids incidents and windows may name. */
  readonly knownComponents: () => ReadonlySet<string>
  /** Called after every write (cache invalidation, audit log). Must not throw. */
  readonly onChange: (event: string, id: number, req: OpsRequest) => void
  readonly now?: () => number
}

function idParam(req: OpsRequest): number | undefined {
  const raw = req.params.id ?? ''
  return /^[1-9]\d{0,14}$/.test(raw) ? Number(raw) : undefined
}

function unknownComponents(ids: readonly string[], known: ReadonlySet<string>): OpsResponse | undefined {
  const unknown = ids.filter((c) => !known.has(c))
  if (unknown.length === 0) return undefined
  return problem(422, 'unknown_component', 'the body names components the status page does not know', {
    unknown,
    known: [...known],
  })
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

function incidentJson(i: Incident, updates: readonly IncidentUpdate[]) {
  return {
    id: i.id,
    title: i.title,
    status: i.status,
    impact: i.impact,
    components: i.components,
    automatic: i.automatic,
    startedAt: iso(i.startedAt),
    resolvedAt: iso(i.resolvedAt),
    updatedAt: iso(i.updatedAt),
    updates: updates.map((u) => ({ id: u.id, status: u.status, message: u.message, at: iso(u.createdAt) })),
  }
}

function windowJson(w: MaintenanceWindow, now: number) {
  return {
    id: w.id,
    title: w.title,
    description: w.description,
    components: w.components,
    startsAt: iso(w.startsAt),
    endsAt: iso(w.endsAt),
    active: w.startsAt <= now && now < w.endsAt,
  }
}

const NOT_FOUND = (what: string) => problem(404, 'not_found', `no such ${what}`)

/**
 * The operator routes of the status page (operator key required):
 * `GET|POST /observability/status/incidents`, `PATCH /observability/status/incidents/:id` (status + message →
 * timeline), and maintenance windows `GET|POST /observability/status/maintenance`,
 * `PATCH|DELETE /observability/status/maintenance/:id`. Times are ISO 8601 with an offset.
 *
 * @example
 * for (const r of createStatusAdminRoutes({ store: () => lookout.store, knownComponents, onChange })) lookout.addRoute(r)
 */
export function createStatusAdminRoutes(options: StatusAdminRoutesOptions): OpsRoute[] {
  const now = options.now ?? Date.now
  return [
    {
      method: 'GET',
      path: STATUS_ROUTES.incidents,
      scope: { kind: 'global' },
      description: 'Incidents with timelines (?open=true for unresolved only)',
      async handler(req) {
        const store = options.store()
        const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 50) || 50, 1), 500)
        const list = await store.incidents.list({ open: req.query.get('open') === 'true', limit })
        const updates = await store.incidents.updatesFor(list.map((i) => i.id))
        return json(200, { incidents: list.map((i) => incidentJson(i, updates.get(i.id) ?? [])) })
      },
    },
    {
      method: 'POST',
      path: STATUS_ROUTES.incidents,
      scope: { kind: 'global' },
      bodyLimit: 16_384,
      description: 'Opens an incident by hand',
      async handler(req) {
        const parsed = parseJsonBody(req, createIncidentBody)
        if (!parsed.ok) return parsed.response
        const b = parsed.value
        const bad = unknownComponents(b.components, options.knownComponents())
        if (bad !== undefined) return bad
        const store = options.store()
        const id = await store.incidents.create({
          title: b.title,
          status: b.status,
          impact: b.impact,
          components: b.components,
          automatic: false,
          message: b.message,
          ...(b.startedAt === undefined ? {} : { startedAt: b.startedAt }),
        })
        options.onChange('status_incident_created', id, req)
        const created = await store.incidents.get(id)
        return json(201, incidentJson(created!, created!.updates), {
          location: `${STATUS_ROUTES.incidents}/${id}`,
        })
      },
    },
    {
      method: 'PATCH',
      path: STATUS_ROUTES.incident,
      scope: { kind: 'global' },
      bodyLimit: 16_384,
      description: 'Adds a timeline entry and moves the incident to a status (resolved closes it)',
      async handler(req) {
        const id = idParam(req)
        if (id === undefined) return NOT_FOUND('incident')
        const parsed = parseJsonBody(req, patchIncidentBody)
        if (!parsed.ok) return parsed.response
        const store = options.store()
        const current = await store.incidents.get(id)
        if (current === undefined) return NOT_FOUND('incident')
        const b = parsed.value
        await store.incidents.addUpdate(id, {
          status: b.status ?? current.status,
          message: b.message,
          ...(b.impact === undefined ? {} : { impact: b.impact }),
          ...(b.title === undefined ? {} : { title: b.title }),
        })
        options.onChange('status_incident_updated', id, req)
        const updated = await store.incidents.get(id)
        return json(200, incidentJson(updated!, updated!.updates))
      },
    },
    {
      method: 'GET',
      path: STATUS_ROUTES.maintenance,
      scope: { kind: 'global' },
      description: 'Maintenance windows that end in the future or ended in the last 30 days',
      async handler() {
        const t = now()
        const list = await options.store().maintenanceWindows.upcoming(t - 30 * 86_400_000, 500)
        return json(200, { windows: list.map((w) => windowJson(w, t)) })
      },
    },
    {
      method: 'POST',
      path: STATUS_ROUTES.maintenance,
      scope: { kind: 'global' },
      bodyLimit: 16_384,
      description: 'Schedules a maintenance window (no incidents, not counted against uptime)',
      async handler(req) {
        const parsed = parseJsonBody(req, createMaintenanceBody)
        if (!parsed.ok) return parsed.response
        const b = parsed.value
        const bad = unknownComponents(b.components, options.knownComponents())
        if (bad !== undefined) return bad
        const store = options.store()
        const id = await store.maintenanceWindows.create(b)
        options.onChange('status_maintenance_created', id, req)
        const w = await store.maintenanceWindows.get(id)
        return json(201, windowJson(w!, now()), { location: `${STATUS_ROUTES.maintenance}/${id}` })
      },
    },
    {
      method: 'PATCH',
      path: STATUS_ROUTES.maintenanceWindow,
      scope: { kind: 'global' },
      bodyLimit: 16_384,
      description: 'Changes a maintenance window',
      async handler(req) {
        const id = idParam(req)
        if (id === undefined) return NOT_FOUND('maintenance window')
        const parsed = parseJsonBody(req, patchMaintenanceBody)
        if (!parsed.ok) return parsed.response
        const b = parsed.value
        if (b.components !== undefined) {
          const bad = unknownComponents(b.components, options.knownComponents())
          if (bad !== undefined) return bad
        }
        const store = options.store()
        const current = await store.maintenanceWindows.get(id)
        if (current === undefined) return NOT_FOUND('maintenance window')
        if ((b.endsAt ?? current.endsAt) <= (b.startsAt ?? current.startsAt)) {
          return problem(422, 'invalid_body', 'the body does not match the expected schema', [
            { path: 'endsAt', message: 'endsAt must be after startsAt' },
          ])
        }
        await store.maintenanceWindows.update(id, b)
        options.onChange('status_maintenance_updated', id, req)
        return json(200, windowJson((await store.maintenanceWindows.get(id))!, now()))
      },
    },
    {
      method: 'DELETE',
      path: STATUS_ROUTES.maintenanceWindow,
      scope: { kind: 'global' },
      description: 'Deletes a maintenance window',
      async handler(req) {
        const id = idParam(req)
        if (id === undefined) return NOT_FOUND('maintenance window')
        if (!(await options.store().maintenanceWindows.delete(id))) return NOT_FOUND('maintenance window')
        options.onChange('status_maintenance_deleted', id, req)
        return { status: 204, headers: { 'cache-control': 'no-store' } }
      },
    },
  ]
}
