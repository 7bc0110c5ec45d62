import { isTransientFailure } from '../../domain/okta-model.js'
import type { Clock } from '../../infra/clock.js'

/**
 * Runs a create, and when it fails transiently (5xx, dropped connection: it may have happened anyway) looks for
 * the object before trying again, so a retry can never make a duplicate. Waits through the injected clock.
 */
export async function createOnce<T>(
  clock: Pick<Clock, 'sleep'>,
  find: () => Promise<T | undefined>,
  create: () => Promise<T>,
  attempts = 4,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create()
    } catch (error) {
      if (!isTransientFailure(error) || attempt >= attempts) {
        throw error
      }
      await clock.sleep(100 * 2 ** attempt)
      const existing = await find()
      if (existing !== undefined) {
        return existing
      }
    }
  }
}
