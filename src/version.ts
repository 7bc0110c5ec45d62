declare const __VERSION__: string

/** The version baked in at build time (falls back for unbundled runs such as vitest). */
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev'
