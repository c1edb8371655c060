export {}

/**
 * `npm run bench`: every benchmark in turn. Figures are printed, never asserted.
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
