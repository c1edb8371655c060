import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { and, eq, sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { auditLog, codeExamples, codebookVersions, codes, finalCodeCodes, labelCodeChanges, labelCodes, labels, openCodes, recodeQueue } from '../../schema'
import { defaultCodes } from '../../server/core/default-codebook'
import { projectAgreement } from '../../server/services/agreement'
import { cardSortBoard, createCategory, moveCards } from '../../server/services/card-sort'
import { codeResolver, codebookVersionId, codebookView, currentCodebook } from '../../server/services/codebook'
import { addCode, editCode, mergeCodes, renameCode, retireCode, setMultiLabel, splitCode } from '../../server/services/codebook-evolution'
import { codebookDocument, exportCodebook, importCodebook, readCodebookText } from '../../server/services/codebook-exchange'
import type { Ctx } from '../../server/services/context'
import { importLongLabels, importStudyFile } from '../../server/services/importing'
import { createProject, ensureProject } from '../../server/services/projects'
import { engines, freshDatabase, seedDatabase } from '../helpers/db'
import type { Seed, TestDatabase } from '../helpers/db'
import { sharedPath } from '../helpers/shared'
import { validateQdc } from '../helpers/xsd'

describe.each(engines())('the codebook on a %s database', (engine) => {
  // The study's 320 coded commits (coder1, coder2, llm) and final codes where the two coders
  // agree: built once, copied for each test.
  let seed: Seed
  beforeAll(async () => {
    seed = await seedDatabase(engine, async (t) => {
      const project = await ensureProject(t.ctx, 'study')
      for (const [file, format] of [['GH_160_with_labels.csv', 'study-gh'], ['HF_160_with_labels.reduced.csv', 'study-hf']] as const) {
        await importStudyFile(t.ctx, { projectId: project.id, file: sharedPath('data', 'paper', file), format })
      }
      await t.client.execute(`insert into final_codes (commit_id, codebook_version_id, method)
        select l1.commit_id, l1.codebook_version_id, 'agreement' from labels l1
        join users u1 on u1.id = l1.rater_id and u1.name = 'coder1'
        join labels l2 on l2.commit_id = l1.commit_id join users u2 on u2.id = l2.rater_id and u2.name = 'coder2'
        join label_codes c1 on c1.label_id = l1.id join label_codes c2 on c2.label_id = l2.id and c2.code_id = c1.code_id`)
      await t.client.execute(`insert into final_code_codes (final_code_id, code_id)
        select f.id, lc.code_id from final_codes f join labels l on l.commit_id = f.commit_id
        join users u on u.id = l.rater_id and u.name = 'coder1' join label_codes lc on lc.label_id = l.id`)
    })
  }, 120_000)
  afterAll(() => seed.dispose())

  let dir: string
  let db: TestDatabase
  let ctx: Ctx
  let projectId: number
  beforeEach(async () => {
    db = await freshDatabase(engine, seed)
    dir = db.dir
    ctx = db.ctx
    projectId = (await ensureProject(ctx, 'study')).id
  })
  afterEach(() => db.dispose())

  /** Labels (and final codes) per code name, straight from the tables. */
  async function countsByCode(table: 'labels' | 'final'): Promise<Record<string, number>> {
    const rows =
      table === 'labels'
        ? await db.db.select({ name: codes.name, n: sql<number>`count(*)` }).from(labelCodes).innerJoin(codes, eq(codes.id, labelCodes.codeId)).groupBy(codes.name)
        : await db.db.select({ name: codes.name, n: sql<number>`count(*)` }).from(finalCodeCodes).innerJoin(codes, eq(codes.id, finalCodeCodes.codeId)).groupBy(codes.name)
    return Object.fromEntries(rows.map((r) => [r.name, Number(r.n)]))
  }

  async function labelIdsWith(name: string): Promise<number[]> {
    const rows = await db.db.select({ id: labelCodes.labelId }).from(labelCodes).innerJoin(codes, eq(codes.id, labelCodes.codeId)).where(eq(codes.name, name))
    return rows.map((r) => r.id).sort((a, b) => a - b)
  }

  const count = async (query: Promise<{ n: number }[]>) => Number((await query)[0]!.n)

  async function exportValidates(): Promise<string> {
    const file = await exportCodebook(ctx, { projectId, projectName: 'study', format: 'qdc' })
    const result = await validateQdc(file.body, file.filename)
    expect(result.errors).toEqual([])
    return file.body
  }

  describe('the default codebook in a project', () => {
    it('is seeded with notes and examples, and links the examples the project holds', async () => {
      const view = await codebookView(ctx, projectId)
      expect(view.codes.map((c) => c.name)).toEqual(defaultCodes.map((c) => c.name))
      expect(view.version.version).toBe(1)
      // Which examples exist in the study project, asked of the commits table directly.
      const present = async (platform: string, repo: string, sha: string) =>
        (await db.client.execute({
          sql: 'select count(*) as n from commits c join repositories r on r.id = c.repository_id where r.platform = ? and r.full_name = ? and c.sha = ?',
          args: [platform, repo, sha],
        })).rows[0]!.n === 1
      let linked = 0
      for (const code of view.codes) {
        for (const example of code.examples) {
          const exists = await present(example.platform, example.repository, example.sha)
          expect(example.commitId !== null, `${code.name}: ${example.repository}@${example.sha}`).toBe(exists)
          if (exists) linked += 1
        }
      }
      expect(linked).toBeGreaterThan(10)
      expect(await count(db.db.select({ n: sql<number>`count(*)` }).from(codeExamples))).toBe(linked)
    })

    it('exports to a .qdc that Codebook.xsd accepts', async () => {
      const xml = await exportValidates()
      expect(xml.match(/<Code /g)).toHaveLength(16)
    })
  })

  describe('merging a code into another', () => {
    it('moves every label and final code, keeps the history and reconciles counts by code', async () => {
      const [from, into] = ['project metadata', 'sharing']
      const before = await countsByCode('labels')
      const finalBefore = await countsByCode('final')
      const carriedA = await labelIdsWith(from)
      const totalLabels = await count(db.db.select({ n: sql<number>`count(*)` }).from(labels))
      expect(before[from]).toBeGreaterThan(20)
      expect(finalBefore[from]).toBeGreaterThan(5)
      const ratersOfA = await db.client.execute(`select count(distinct l.rater_id) as n from labels l join label_codes lc on lc.label_id = l.id join codes c on c.id = lc.code_id where c.name = '${from}'`)
      expect(ratersOfA.rows[0]!.n).toBe(3)

      const result = await mergeCodes(ctx, { projectId, from, into, author: 'alice', note: 'Both are about publishing the repository.' })
      expect(result).toMatchObject({ version: 2, labels: before[from], finalCodes: finalBefore[from], raters: 3, alreadyTarget: 0 })

      const after = await countsByCode('labels')
      const finalAfter = await countsByCode('final')
      expect(after[from]).toBeUndefined()
      expect(after[into]).toBe(before[into]! + before[from]!)
      expect(finalAfter[into]).toBe(finalBefore[into]! + finalBefore[from]!)
      for (const name of Object.keys(before).filter((n) => n !== from && n !== into)) expect(after[name], name).toBe(before[name])
      expect(await count(db.db.select({ n: sql<number>`count(*)` }).from(labels))).toBe(totalLabels)

      // The label history names exactly the labels that carried A, each now carrying B.
      const history = await db.db.select().from(labelCodeChanges)
      const labelRows = history.filter((h) => h.labelId !== null)
      expect(labelRows.map((h) => h.labelId!).sort((a, b) => a - b)).toEqual(carriedA)
      expect(new Set(history.map((h) => h.operation))).toEqual(new Set(['merge']))
      expect(history.filter((h) => h.finalCodeId !== null)).toHaveLength(finalBefore[from]!)
      const { codes: list } = await currentCodebook(ctx, projectId)
      const a = list.find((c) => c.name === from)!
      const b = list.find((c) => c.name === into)!
      expect(history.every((h) => h.fromCodeId === a.id && h.toCodeId === b.id)).toBe(true)
      expect(await labelIdsWith(into)).toEqual(expect.arrayContaining(carriedA))
      // Counts before, rebuilt from the history alone.
      expect(after[into]! - labelRows.length).toBe(before[into])
      expect(a.status).toBe('retired')

      const [version] = await db.db.select().from(codebookVersions).where(eq(codebookVersions.version, 2))
      expect(version!.changelog).toContain(`Merged '${from}' into '${into}'`)
      expect(version!.changelog).toContain('Both are about publishing')
      expect(version!.snapshot.find((c) => c.name === from)!.status).toBe('retired')
      const view = await codebookView(ctx, projectId)
      expect(view.version).toMatchObject({ version: 2, author: 'alice' })
      expect(view.versions[0]!.changes).toEqual([{ operation: 'merge', from, to: into, labels: before[from], finalCodes: finalBefore[from] }])
      const [entry] = await db.db.select().from(auditLog).where(eq(auditLog.action, 'codebook.merge'))
      expect(entry!.details).toMatchObject({ version: 2, labels: before[from], finalCodes: finalBefore[from] })
      await exportValidates()
    })

    it('reports agreement per codebook version: labels record the version they were made under', async () => {
      await mergeCodes(ctx, { projectId, from: 'output data', into: 'model structure' })
      const hfShas = (await db.client.execute("select c.sha, r.full_name from commits c join repositories r on r.id = c.repository_id where r.platform = 'huggingface' order by c.id limit 4")).rows
      const csv = path.join(dir, 'v2.csv')
      const codesFor = ['sharing', 'sharing', 'preprocessing', 'model structure']
      writeFileSync(csv, ['repo,sha,coder,code', ...hfShas.flatMap((r, i) => [`${r.full_name},${r.sha},dave,${codesFor[i]}`, `${r.full_name},${r.sha},erin,${i === 3 ? 'sharing' : codesFor[i]}`])].join('\n'))
      await importLongLabels(ctx, { projectId, file: csv })

      const v1 = await projectAgreement(ctx, projectId, { codebookVersionId: await codebookVersionId(ctx, projectId, 1), resamples: 0 })
      const v2 = await projectAgreement(ctx, projectId, { codebookVersionId: await codebookVersionId(ctx, projectId, 2), resamples: 0 })
      expect(v1.coders).toEqual(['coder1', 'coder2', 'llm'])
      expect(v1.units).toBe(320)
      expect(v2.coders).toEqual(['dave', 'erin'])
      expect(v2.units).toBe(4)
      expect(v2.pairwise[0]!.percent_agreement).toBe(0.75)
      const view = await codebookView(ctx, projectId)
      expect(view.versions.map((v) => [v.version, v.labels])).toEqual([[2, 8], [1, 960]])
    })

    it('refuses to merge a code into itself or the fallback away, changing nothing', async () => {
      await expect(mergeCodes(ctx, { projectId, from: 'sharing', into: 'Sharing' })).rejects.toThrow("cannot merge 'sharing' into itself")
      await expect(mergeCodes(ctx, { projectId, from: 'unclear', into: 'sharing' })).rejects.toThrow('fallback code')
      await expect(mergeCodes(ctx, { projectId, from: 'nope', into: 'sharing' })).rejects.toThrow("no code named 'nope'")
      expect((await currentCodebook(ctx, projectId)).version.version).toBe(1)
    })
  })

  describe('splitting a code', () => {
    it('keeps the labels, retires the code, queues its commits and writes the history', async () => {
      const before = await countsByCode('labels')
      const finalBefore = await countsByCode('final')
      const carried = await labelIdsWith('external documentation')
      const commitsOfA = await db.client.execute(`select count(distinct commit_id) as n from (
        select l.commit_id from labels l join label_codes lc on lc.label_id = l.id join codes c on c.id = lc.code_id where c.name = 'external documentation'
        union select f.commit_id from final_codes f join final_code_codes fc on fc.final_code_id = f.id join codes c on c.id = fc.code_id where c.name = 'external documentation')`)

      const result = await splitCode(ctx, { projectId, code: 'external documentation', into: ['readme', 'model card'], author: 'bob' })
      expect(result).toMatchObject({ version: 2, created: ['readme', 'model card'], labels: before['external documentation'], finalCodes: finalBefore['external documentation'] })
      expect(result.queued).toBe(Number(commitsOfA.rows[0]!.n))

      // Every label is accounted for: nothing moved, the split code's labels wait for re-coding.
      expect(await countsByCode('labels')).toEqual(before)
      expect(await countsByCode('final')).toEqual(finalBefore)
      const history = await db.db.select().from(labelCodeChanges)
      expect(history.filter((h) => h.labelId !== null).map((h) => h.labelId!).sort((a, b) => a - b)).toEqual(carried)
      expect(history.every((h) => h.operation === 'split' && h.toCodeId === null)).toBe(true)
      const queue = await db.db.select().from(recodeQueue)
      expect(queue).toHaveLength(result.queued)
      expect(queue.every((q) => q.status === 'pending' && q.reason.includes("split of 'external documentation'"))).toBe(true)

      const book = await currentCodebook(ctx, projectId)
      expect(book.codes.find((c) => c.name === 'external documentation')!.status).toBe('retired')
      expect(codeResolver(book.codes)('external documentation')).toBeUndefined()
      expect(codeResolver(book.codes)('readme')).toBeDefined()
      const [entry] = await db.db.select().from(auditLog).where(eq(auditLog.action, 'codebook.split'))
      expect(entry!.details).toMatchObject({ version: 2, queued: result.queued, created: ['readme', 'model card'] })

      // New labels cannot use the split code; those made with its parts record version 2.
      const sha = (await db.client.execute("select c.sha, r.full_name from commits c join repositories r on r.id = c.repository_id where r.platform = 'huggingface' limit 1")).rows[0]!
      const bad = path.join(dir, 'bad.csv')
      writeFileSync(bad, `repo,sha,coder,code\n${sha.full_name},${sha.sha},dave,external documentation\n`)
      await expect(importLongLabels(ctx, { projectId, file: bad })).rejects.toThrow("unknown code 'external documentation'")
      const good = path.join(dir, 'good.csv')
      writeFileSync(good, `repo,sha,coder,code\n${sha.full_name},${sha.sha},dave,readme\n`)
      await importLongLabels(ctx, { projectId, file: good })
      const [dave] = await db.client.execute("select v.version from labels l join users u on u.id = l.rater_id join codebook_versions v on v.id = l.codebook_version_id where u.name = 'dave'").then((r) => r.rows)
      expect(dave!.version).toBe(2)
      await exportValidates()
    })
  })

  describe('rename, edit, retire, mode', () => {
    it('renames a code; its labels follow and the old version keeps the old name', async () => {
      const before = await countsByCode('labels')
      await renameCode(ctx, { projectId, code: 'sharing', to: 'publishing' })
      const after = await countsByCode('labels')
      expect(after.publishing).toBe(before.sharing)
      const snapshots = await db.db.select().from(codebookVersions).orderBy(codebookVersions.version)
      expect(snapshots.map((v) => v.snapshot.some((c) => c.name === 'sharing'))).toEqual([true, false])
      await expect(renameCode(ctx, { projectId, code: 'publishing', to: 'Preprocessing' })).rejects.toThrow("a code named 'preprocessing' exists already")
    })

    it('edits texts, colour, hotkey and parent, refusing cycles and taken hotkeys', async () => {
      await addCode(ctx, { projectId, name: 'documentation', definition: 'Any documentation.', color: '#46AA00' })
      const edited = await editCode(ctx, { projectId, code: 'external documentation', parent: 'documentation', definition: 'For users.', hotkey: 'x' })
      expect(edited.changed).toEqual(['definition', 'hotkey', 'parent'])
      await expect(editCode(ctx, { projectId, code: 'documentation', parent: 'external documentation' })).rejects.toThrow('one of its sub-codes')
      await expect(editCode(ctx, { projectId, code: 'sharing', hotkey: 'x' })).rejects.toThrow("hotkey 'x' is already the hotkey of 'external documentation'")
      await expect(editCode(ctx, { projectId, code: 'sharing', color: 'red' })).rejects.toThrow('colour: expected #rrggbb')
      await expect(editCode(ctx, { projectId, code: 'sharing' })).rejects.toThrow("nothing to change on 'sharing'")
      const book = await currentCodebook(ctx, projectId)
      expect(book.version.version).toBe(3)
      expect(book.codes.find((c) => c.name === 'documentation')!.color).toBe('#46aa00')
      const xml = await exportValidates()
      expect(xml).toMatch(/<Code guid="[^"]+" name="documentation"[^>]*>\s*<Description>Any documentation.<\/Description>\s*<Code guid="[^"]+" name="external documentation"/)
    })

    it('retires a code: its labels stay, new labels cannot use it', async () => {
      const before = await countsByCode('labels')
      const result = await retireCode(ctx, { projectId, code: 'input data' })
      expect(result.labels).toBe(before['input data'])
      expect(await countsByCode('labels')).toEqual(before)
      expect(codeResolver((await currentCodebook(ctx, projectId)).codes)('input data')).toBeUndefined()
      await expect(retireCode(ctx, { projectId, code: 'input data' })).rejects.toThrow("code 'input data' is retired")
    })

    it('switches to multi-label and refuses to go back while labels carry several codes', async () => {
      await setMultiLabel(ctx, { projectId, multiLabel: true })
      const sha = (await db.client.execute("select c.sha, r.full_name from commits c join repositories r on r.id = c.repository_id where r.platform = 'huggingface' limit 1")).rows[0]!
      const csv = path.join(dir, 'multi.csv')
      writeFileSync(csv, `repo,sha,coder,code\n${sha.full_name},${sha.sha},dave,sharing|preprocessing\n`)
      await importLongLabels(ctx, { projectId, file: csv })
      await expect(setMultiLabel(ctx, { projectId, multiLabel: false })).rejects.toThrow('1 labels carry more than one code')
      const book = await currentCodebook(ctx, projectId)
      expect(book.codebook.multiLabel).toBe(true)
      expect(book.version.version).toBe(2)
    })
  })

  describe('exchange', () => {
    it('round-trips a .qdc into a new project: names, descriptions, colours and hierarchy', async () => {
      await addCode(ctx, { projectId, name: 'documentation', definition: 'Docs of any kind <&>.', color: '#46aa00' })
      await editCode(ctx, { projectId, code: 'internal documentation', parent: 'documentation' })
      await editCode(ctx, { projectId, code: 'external documentation', parent: 'documentation', excludeNotes: 'Not for "comments" & co.' })
      const file = await exportCodebook(ctx, { projectId, projectName: 'study', format: 'qdc' })
      expect((await validateQdc(file.body)).errors).toEqual([])

      const copy = await createProject(ctx, { name: 'copy', codebook: { kind: 'document', document: readCodebookText(file.body, file.filename), source: file.filename } })
      const shape = async (id: number) => {
        const { codes: list } = await currentCodebook(ctx, id)
        const byId = new Map(list.map((c) => [c.id, c]))
        return list.map((c) => ({
          guid: c.guid,
          name: c.name,
          definition: c.definition,
          include: c.includeNotes,
          exclude: c.excludeNotes,
          color: c.color,
          status: c.status,
          parent: c.parentId === null ? null : byId.get(c.parentId)!.name,
          examples: c.examples.map((e) => `${e.repository}@${e.sha}`),
        }))
      }
      const original = await shape(projectId)
      expect((await shape(copy.id)).sort((a, b) => a.name.localeCompare(b.name))).toEqual(original.sort((a, b) => a.name.localeCompare(b.name)))
      expect(original.filter((c) => c.parent === 'documentation').map((c) => c.name).sort()).toEqual(['external documentation', 'internal documentation'])
      expect((await currentCodebook(ctx, copy.id)).codebook.name).toBe('PTLM change types')

      // Importing the same file back into its source changes nothing.
      const again = await importCodebook(ctx, { projectId, document: readCodebookText(file.body, file.filename), source: file.filename })
      expect(again).toMatchObject({ version: null, added: [], updated: [] })
    })

    it('imports changes by guid, then by name, in one version', async () => {
      const { doc } = await codebookDocument(ctx, projectId)
      const sharing = doc.codes.find((c) => c.name === 'sharing')!
      sharing.name = 'publishing'
      sharing.definition = 'Uploads and syncs.'
      doc.codes.push({ guid: '0b9c2a6e-3f2d-4c1e-9a55-6c8e0f4b7d21', name: 'licensing', definition: 'License changes.', includeNotes: '', excludeNotes: '', color: null, status: 'active', examples: [], children: [] })
      const result = await importCodebook(ctx, { projectId, document: doc, source: 'edited.json', author: 'carol' })
      expect(result).toMatchObject({ version: 2, added: ['licensing'], updated: ['publishing'] })
      const book = await currentCodebook(ctx, projectId)
      expect(book.codes.find((c) => c.guid === sharing.guid)!.name).toBe('publishing')
      expect(book.version.changelog).toBe('Imported edited.json: 1 codes added, 1 updated.')
    })

    it('rejects bad files whole: nothing is half-imported', async () => {
      const snapshot = async () => ({
        versions: await count(db.db.select({ n: sql<number>`count(*)` }).from(codebookVersions)),
        codes: JSON.stringify(await db.db.select().from(codes).orderBy(codes.id)),
      })
      const before = await snapshot()
      expect(() => readCodebookText(readFileText('example-invalid.qdc'), 'example-invalid.qdc')).toThrow(
        "example-invalid.qdc:6: element Code 'external documentation' (CodeBook/Codes[1]/Code[1]/Code[1]): the attribute 'isCodable' is required but missing",
      )
      // Valid files whose content clashes fail inside the transaction.
      const { doc } = await codebookDocument(ctx, projectId)
      doc.codes[0]!.definition = 'changed first'
      doc.codes.push({ guid: '0b9c2a6e-3f2d-4c1e-9a55-6c8e0f4b7d21', name: 'new code', definition: '', includeNotes: '', excludeNotes: '', color: null, hotkey: '1', status: 'active', examples: [], children: [] })
      await expect(importCodebook(ctx, { projectId, document: doc, source: 'clash.json' })).rejects.toThrow("hotkey '1'")
      // A file that renames 'external documentation' to 'sharing' and does not mention 'sharing'.
      const { doc: other } = await codebookDocument(ctx, projectId)
      other.codes = other.codes.filter((c) => c.name !== 'sharing')
      other.codes.find((c) => c.name === 'external documentation')!.name = 'sharing'
      await expect(importCodebook(ctx, { projectId, document: other, source: 'clash.json' })).rejects.toThrow("would take the name of the project's code 'sharing'")
      expect(await snapshot()).toEqual(before)
    })

    it('starts a project empty, from the default, or from the valid example file', async () => {
      const empty = await createProject(ctx, { name: 'empty', codebook: { kind: 'empty' } })
      expect((await currentCodebook(ctx, empty.id)).codes).toEqual([])
      await expect(exportCodebook(ctx, { projectId: empty.id, projectName: 'empty', format: 'qdc' })).rejects.toThrow('no codes')
      const fromFile = await createProject(ctx, { name: 'example', codebook: { kind: 'document', document: readCodebookText(readFileText('example-valid.qdc'), 'example-valid.qdc'), source: 'example-valid.qdc' } })
      const book = await currentCodebook(ctx, fromFile.id)
      expect(book.codes.map((c) => [c.name, c.status, c.parentId === null])).toEqual([['documentation', 'retired', true], ['external documentation', 'active', false]])
      expect(book.version.changelog).toBe('Imported from example-valid.qdc.')
      await expect(createProject(ctx, { name: 'study', codebook: { kind: 'default' } })).rejects.toThrow("a project named 'study' exists already")
    })
  })

  describe('the card-sorting board', () => {
    it('groups the 160 open codes into cards and files them under categories', async () => {
      const board = await cardSortBoard(ctx, projectId)
      expect(board.openCodes).toEqual({ total: 160, sorted: 0 })
      expect(board.units).toEqual({ total: 160, unsorted: 160 })
      expect(board.cards.reduce((n, c) => n + c.count, 0)).toBe(160)
      const readme = board.cards.find((c) => c.key === 'readme update')!
      expect(readme.count).toBeGreaterThan(10)
      expect(readme.commits).toHaveLength(readme.count)

      const sharing = board.categories.find((c) => c.name === 'external documentation')!
      const moved = await moveCards(ctx, { projectId, cards: [{ text: 'README update', categoryId: null }], to: sharing.id })
      expect(moved.moved).toBe(readme.count)
      const created = await createCategory(ctx, {
        projectId,
        name: 'weights',
        definition: 'Weight files.',
        author: 'alice',
        cards: [{ text: 'model weight update', categoryId: null }, { text: 'model weight upload', categoryId: null }],
      })
      const after = await cardSortBoard(ctx, projectId)
      expect(after.openCodes.sorted).toBe(readme.count + created.moved)
      expect(after.units.unsorted).toBe(160 - readme.count - created.moved)
      expect(after.cards.filter((c) => c.categoryId === created.code.id).map((c) => c.key).sort()).toEqual(['model weight update', 'model weight upload'])
      expect((await currentCodebook(ctx, projectId)).version.changelog).toMatch(/^Added code 'weights'\. Created on the card-sorting board from 2 cards\.$/)

      // Merging a category carries its open codes; splitting one sends them back to be sorted.
      await mergeCodes(ctx, { projectId, from: 'weights', into: 'model structure' })
      const merged = await cardSortBoard(ctx, projectId)
      expect(merged.cards.filter((c) => c.categoryId === board.categories.find((x) => x.name === 'model structure')!.id).reduce((n, c) => n + c.count, 0)).toBe(created.moved)
      await splitCode(ctx, { projectId, code: 'external documentation', into: ['readme', 'model card'] })
      expect((await cardSortBoard(ctx, projectId)).openCodes.sorted).toBe(created.moved)
      const open = await db.db.select().from(openCodes).where(and(eq(openCodes.categoryCodeId, sharing.id)))
      expect(open).toHaveLength(0)
    })

    it('refuses a retired category', async () => {
      await retireCode(ctx, { projectId, code: 'output data' })
      const board = await cardSortBoard(ctx, projectId)
      expect(board.categories.some((c) => c.name === 'output data')).toBe(false)
      const retired = (await currentCodebook(ctx, projectId)).codes.find((c) => c.name === 'output data')!
      await expect(moveCards(ctx, { projectId, cards: [{ text: 'readme update', categoryId: null }], to: retired.id })).rejects.toThrow("code 'output data' is retired")
    })
  })

  function readFileText(name: string): string {
    return readFileSync(sharedPath('data', 'refi-qda', name), 'utf8')
  }
})
