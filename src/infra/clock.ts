/** The time source, and every wait (backoffs, polls); tests move a fake one, so none sleeps through a real backoff. */
export interface Clock {
  now(): Date
  /** Resolves after `ms` milliseconds (a fake clock may resolve at once). */
  sleep(ms: number): Promise<void>
}

/** The system clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
}
