// The sandbox's TOTP is the same RFC 6238 arithmetic the CLI uses to answer a test user's second factor.
export { newTotpSecret, totpCode, totpMatches } from '../infra/totp.js'
