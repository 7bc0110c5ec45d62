/** Entry point of the bundle: bin/oidc-setup.js imports this. */
export { main } from './main.js'
