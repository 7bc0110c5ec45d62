// The browser step against the sandbox in tests: the product's scripted browser (src/infra/scripted-browser.ts).
export { browse, parseForm, type BrowseOptions, type BrowseResult } from '../../src/infra/scripted-browser.js'
