/**
 * @module `npm run db:server`: a local libSQL server (sqld) for team deployments. Point
 * Concord at it with DATABASE_URL=ws://127.0.0.1:8080 (http:// works too, slower).
 */
import path from 'node:path'
import { startSqld } from './sqld'

const port = Number(process.env.SQLD_PORT ?? 8080)
const dataDir = path.resolve(process.env.CONCORD_SQLD_DIR ?? '.concord/sqld')

const server = await startSqld({ dataDir, port, stdio: 'inherit' }).catch((error: Error) => {
  console.error(`error: ${error.message}`)
  process.exit(1)
})
console.log(`libSQL server (sqld) running at ${server.httpUrl} with data in ${dataDir}`)
console.log(`Use it with: DATABASE_URL=${server.url} npm start (WebSockets; ${server.httpUrl} works too, slower)`)
const stop = () => void server.stop().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
server.process.once('exit', (code) => process.exit(code ?? 1))
