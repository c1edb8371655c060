/**
 * @module The client's URLs, built in one place.
 */

export function projectPath(project: string, rest = ''): string {
  return `/p/${encodeURIComponent(project)}${rest}`
}

export function commitHref(project: string, id: number): string {
  return projectPath(project, `/commits/${id}`)
}

/**
 * The path with each segment decoded, for route matching (the Router's `transformUrl`): the
 * router hands out params as they stand in the address (`my%20study`), and the pages encode
 * them again when they build URLs and API paths. A segment holding an encoded slash, or a
 * malformed one, stays as it is so the segments still split where the address does.
 * @example decodedPath('/p/my%20study/commits/3') // '/p/my study/commits/3'
 */
export function decodedPath(pathname: string): string {
  return pathname
    .split('/')
    .map((segment) => {
      try {
        const decoded = decodeURIComponent(segment)
        return decoded.includes('/') ? segment : decoded
      } catch {
        return segment
      }
    })
    .join('/')
}
