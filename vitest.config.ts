import { defineConfig } from 'vitest/config'
import solid from 'vite-plugin-solid'

// Two projects: server-side tests run on plain Node resolution; the Solid plugin switches
// resolution to browser builds, which only the client's component tests (jsdom) want.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
    setupFiles: ['tests/setup.ts'],
    reporters: ['default', './tests/reporters/summary-line.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'server', include: ['tests/**/*.test.ts'], exclude: ['tests/unit/client/**'], environment: 'node' },
      },
      {
        extends: true,
        plugins: [solid()],
        test: { name: 'client', include: ['tests/unit/client/**/*.test.{ts,tsx}'], environment: 'jsdom' },
      },
    ],
  },
})
