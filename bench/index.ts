export {}

/**
 * `npm run bench`: every benchmark in turn. Figures are printed, never asserted.
 */
await import('./import')
console.log()
await import('./agreement')
