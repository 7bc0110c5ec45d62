import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests reach loopback only: any other address fails at once (test/helpers/loopback-only.ts).
    setupFiles: ['test/helpers/loopback-only.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Keychain, sandbox and browser tests are real processes; two cores are plenty for a few workers.
    pool: 'forks',
    maxWorkers: 3,
  },
})
