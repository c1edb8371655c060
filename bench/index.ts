export {}

/**
 * `npm run bench`: every benchmark in turn. Figures are printed, never asserted (the load bench
 * does fail when a saved label is missing from the database).
 */
await import('./import')
console.log()
await import('./import-git')
console.log()
await import('./agreement')
console.log()
await import('./analysis')
console.log()
await import('./labeling')
console.log()
await import('./coding')
console.log()
await import('./load')
