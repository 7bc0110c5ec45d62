/** Entry point of the bundle: bin/oidc-setup.js imports this. */
export { main } from './main.js'
/** The scripted sign-in, for scripts such as the demo's stand-in browser (scripts/demo-browser.mjs). */
export { browse } from './infra/scripted-browser.js'
