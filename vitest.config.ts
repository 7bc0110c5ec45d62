import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Keychain, sandbox and browser tests are real processes; two cores are plenty for a few workers.
    pool: 'forks',
    maxWorkers: 3,
  },
})
