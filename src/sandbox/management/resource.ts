// The one shape most Management API resources share: a collection under a parent (`/apps/{appId}/grants`,
// `/authorizationServers/{id}/scopes`, …) with list, create, read, replace and delete, each read answering Okta's
// 404 E0000007 for an unknown id, and `lifecycle/activate|deactivate` sub-resources.
import { notFound, validationError } from '../errors.js'
import type { Org } from '../org.js'
import { isObject, now, type JsonObject } from '../util.js'
import { noContent, ok, type ApiRequest, type ApiResponse, type Router } from './router.js'

/** How one collection is stored and rendered; handlers are registered only for the operations given. */
export interface CollectionSpec<P, T> {
  /** The collection's path pattern, e.g. `/api/v1/authorizationServers/:authServerId/scopes`. */
  path: string
  /** The route parameter naming one item, e.g. `scopeId`. */
  param: string
  /** The resource type Okta names in its 404 (`OAuth2Scope`). */
  type: string
  parent: (req: ApiRequest) => P
  items: (parent: P) => T[]
  idOf: (item: T) => string
  render: (parent: P, item: T) => JsonObject
  /** GET on the collection; default: every item rendered, unpaged. */
  list?: ((req: ApiRequest, parent: P) => ApiResponse) | false
  /** POST: validates, stores and returns the new item. */
  create?: (req: ApiRequest, parent: P) => T
  /** The status of a create (Okta answers 201 for most, 200 for some). */
  createdStatus?: number
  /** How a create response renders the item (default `render`; secrets show their value only there). */
  renderCreated?: (parent: P, item: T) => JsonObject
  /** PUT: validates and stores the replacement, returns it. */
  replace?: (req: ApiRequest, parent: P, item: T) => T
  /** DELETE: refuses (throws) or removes the item. */
  remove?: (parent: P, item: T) => void
}

/** A finder for one item of a collection: the parent and the item, or Okta's 404. */
export type Finder<P, T> = (req: ApiRequest) => [P, T]

/** Registers a collection's handlers and returns its finder (for lifecycle and other sub-resource routes). */
export function registerCollection<P, T>(router: Router, org: Org, spec: CollectionSpec<P, T>): Finder<P, T> {
  const one = `${spec.path}/:${spec.param}`
  const find: Finder<P, T> = (req) => {
    const parent = spec.parent(req)
    const id = req.params[spec.param] ?? ''
    const item = spec.items(parent).find((x) => spec.idOf(x) === id)
    if (item === undefined) {
      throw notFound(id, spec.type)
    }
    return [parent, item]
  }
  if (spec.list !== false) {
    const list = spec.list
    router.add('GET', spec.path, (req) => {
      const parent = spec.parent(req)
      return list ? list(req, parent) : ok(spec.items(parent).map((x) => spec.render(parent, x)))
    })
  }
  const create = spec.create
  if (create) {
    router.add('POST', spec.path, (req) => {
      const parent = spec.parent(req)
      const item = create(req, parent)
      org.changed()
      return ok((spec.renderCreated ?? spec.render)(parent, item), spec.createdStatus ?? 201)
    })
  }
  router.add('GET', one, (req) => {
    const [parent, item] = find(req)
    return ok(spec.render(parent, item))
  })
  const replace = spec.replace
  if (replace) {
    router.add('PUT', one, (req) => {
      const [parent, item] = find(req)
      const updated = replace(req, parent, item)
      org.changed()
      return ok(spec.render(parent, updated))
    })
  }
  const remove = spec.remove
  if (remove) {
    router.add('DELETE', one, (req) => {
      const [parent, item] = find(req)
      remove(parent, item)
      org.changed()
      return noContent()
    })
  }
  return find
}

/**
 * Registers `{item}/lifecycle/activate` and `/deactivate` for records whose status lives at `statusOf(item)`;
 * `guard` may refuse the change (throw) first.
 */
export function registerLifecycle<P, T>(
  router: Router,
  org: Org,
  pattern: string,
  find: Finder<P, T>,
  options: {
    holder: (item: T) => JsonObject
    render?: (parent: P, item: T) => JsonObject
    guard?: (parent: P, item: T, status: 'ACTIVE' | 'INACTIVE') => void
    /** Okta's 204 (servers, policies, rules), the item (secrets, origins) or `{}` (apps). */
    answer?: 'noContent' | 'item' | 'empty'
  },
): void {
  for (const [verb, status] of [
    ['activate', 'ACTIVE'],
    ['deactivate', 'INACTIVE'],
  ] as const) {
    router.add('POST', `${pattern}/lifecycle/${verb}`, (req) => {
      const [parent, item] = find(req)
      options.guard?.(parent, item, status)
      const holder = options.holder(item)
      if (holder.status !== status) {
        holder.status = status
        holder.lastUpdated = now()
        org.changed()
      }
      if (options.answer === 'item' && options.render) {
        return ok(options.render(parent, item))
      }
      return options.answer === 'empty' ? ok({}) : noContent()
    })
  }
}

/** The request body as a JSON object, or Okta's 400 naming the resource. */
export function bodyObject(req: ApiRequest, name: string): JsonObject {
  if (!isObject(req.body)) {
    throw validationError(name, `${name}: The request body must be a JSON object.`)
  }
  return req.body
}

/** `_links` for an item with a status: activate or deactivate, whichever applies. */
export function lifecycleLinks(href: string, status: unknown): JsonObject {
  return status === 'ACTIVE'
    ? { deactivate: { href: `${href}/lifecycle/deactivate`, hints: { allow: ['POST'] } } }
    : { activate: { href: `${href}/lifecycle/activate`, hints: { allow: ['POST'] } } }
}
