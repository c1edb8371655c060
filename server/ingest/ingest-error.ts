/**
 * @module The one error importers throw: it names the file, the line (or field) and the reason.
 */

export class IngestError extends Error {
  constructor(
    readonly file: string,
    readonly where: number | string | null,
    readonly reason: string,
  ) {
    super(where === null ? `${file}: ${reason}` : `${file}:${where}: ${reason}`)
    this.name = 'IngestError'
  }
}
