// oidc-provider's storage adapter for one authorization server: artifacts in the sandbox's map (persisted with
// --state), clients read live from the org's apps.
import type { Org } from '../org.js'
import type { AppRecord } from '../store.js'
import type { JsonObject } from '../util.js'

/** A stored oidc-provider artifact (token, grant, session, interaction). */
export interface Stored {
  payload: JsonObject
  expiresAt: number | undefined
}

/** The adapter class oidc-provider instantiates per model, for the server `key`. */
export function adapterFor(
  key: string,
  org: Org,
  storage: Map<string, Stored>,
  stored: () => void,
  clientMetadata: (app: AppRecord) => JsonObject | undefined,
): new (model: string) => object {
  return class Adapter {
    constructor(private readonly model: string) {}
    private k(id: string): string {
      return `${key}:${this.model}:${id}`
    }
    async upsert(id: string, payload: JsonObject, expiresIn?: number): Promise<void> {
      storage.set(this.k(id), { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : undefined })
      stored()
    }
    async find(id: string): Promise<JsonObject | undefined> {
      if (this.model === 'Client') {
        const app = org.appByClientId(id)
        return app ? clientMetadata(app) : undefined
      }
      const stored = storage.get(this.k(id))
      if (!stored) {
        return undefined
      }
      if (stored.expiresAt !== undefined && stored.expiresAt < Date.now()) {
        storage.delete(this.k(id))
        return undefined
      }
      return stored.payload
    }
    private async findBy(field: string, value: string): Promise<JsonObject | undefined> {
      const start = `${key}:${this.model}:`
      for (const [k, stored] of storage) {
        if (k.startsWith(start) && stored.payload[field] === value) {
          return this.find(k.slice(start.length))
        }
      }
      return undefined
    }
    findByUserCode(userCode: string): Promise<JsonObject | undefined> {
      return this.findBy('userCode', userCode)
    }
    findByUid(uid: string): Promise<JsonObject | undefined> {
      return this.findBy('uid', uid)
    }
    async consume(id: string): Promise<void> {
      const entry = storage.get(this.k(id))
      if (entry) {
        entry.payload.consumed = Math.floor(Date.now() / 1000)
        stored()
      }
    }
    async destroy(id: string): Promise<void> {
      storage.delete(this.k(id))
      stored()
    }
    async revokeByGrantId(grantId: string): Promise<void> {
      for (const [k, entry] of storage) {
        if (k.startsWith(`${key}:`) && entry.payload.grantId === grantId) {
          storage.delete(k)
        }
      }
      stored()
    }
  }
}
