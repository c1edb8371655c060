import { rmSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from '../../server/config'
import { listFamilies } from '../../server/services/browse'
import { acceptProposal, discoverLinks, linksToImport, listProposals, rejectProposal } from '../../server/services/discovery'
import { createFamily, deleteFamily, linkFamilyRepositories, renameFamily, unlinkFamilyRepositories } from '../../server/services/families'
import { ensureProject } from '../../server/services/projects'
import { runRepositoryImport } from '../../server/services/repository-import'
import { runCli } from '../helpers/cli'
import { engines, freshDatabase } from '../helpers/db'
import type { TestDatabase } from '../helpers/db'
import { GitRepo } from '../helpers/git-repo'

const settings = { ...loadConfig({}).sources, diffCap: 20_000 }

function repoWithReadme(readme: string): GitRepo {
  const repo = new GitRepo()
  repo.write('README.md', readme)
  repo.commit('Add README')
  repo.write('main.py', 'print(1)\n')
  repo.commit('Add code')
  return repo
}

const githubReadme = `# Demo LM

| Model | Download |
|---|---|
| Demo-7B | [🤗 Hugging Face](https://huggingface.co/Demo-Org/demo-7b) |
| Demo-7B-Chat | [🤗 Hugging Face](https://huggingface.co/demo-org/demo-7b-chat) |
`
const modelCard = `---
license: apache-2.0
---
# demo-7b

Code and training scripts: https://github.com/demo-org/Demo-LM
`

describe.each(engines())('on a %s database', (engine) => {
  describe('families and discovery (services)', () => {
    let t: TestDatabase
    let projectId: number
    const repos: GitRepo[] = []
    const importGit = async (repo: GitRepo, platform: 'github' | 'huggingface', name: string) =>
      runRepositoryImport(t.ctx, { projectId, input: { source: 'git', path: repo.dir, platform, repo: name }, settings })

    beforeEach(async () => {
      t = await freshDatabase(engine)
      projectId = (await ensureProject(t.ctx, 'default')).id
    })
    afterEach(() => t.dispose())
    afterAll(() => repos.forEach((r) => rmSync(r.dir, { recursive: true, force: true })))

    it('creates, renames, links, unlinks and deletes families, naming what is wrong', async () => {
      const family = await createFamily(t.ctx, { projectId, name: 'demo', repositories: [{ platform: 'github', fullName: 'demo-org/Demo-LM' }] })
      expect(family.name).toBe('demo')
      await expect(createFamily(t.ctx, { projectId, name: ' demo ' })).rejects.toThrow("a family named 'demo' already exists")
      await expect(createFamily(t.ctx, { projectId, name: '  ' })).rejects.toThrow('a family needs a name')
      await createFamily(t.ctx, { projectId, name: 'other' })
      await expect(renameFamily(t.ctx, { projectId, family: { name: 'demo' }, name: 'other' })).rejects.toThrow("a family named 'other' already exists")
      await expect(renameFamily(t.ctx, { projectId, family: { name: 'nope' }, name: 'x' })).rejects.toThrow("no family 'nope' in this project")
      await renameFamily(t.ctx, { projectId, family: { id: family.id }, name: 'demo-lm' })

      const linked = await linkFamilyRepositories(t.ctx, {
        projectId,
        family: { name: 'demo-lm' },
        repositories: [{ platform: 'huggingface', fullName: 'demo-org/demo-7b' }, { fullName: 'DEMO-ORG/demo-lm' }],
      })
      expect(linked).toEqual({ family: 'demo-lm', linked: 1 })
      await expect(
        linkFamilyRepositories(t.ctx, { projectId, family: { name: 'demo-lm' }, repositories: [{ fullName: 'x/unknown' }] }),
      ).rejects.toThrow('no repository x/unknown in this project (to add it, name its platform: github:x/unknown or hf:x/unknown)')
      await expect(
        linkFamilyRepositories(t.ctx, { projectId, family: { name: 'demo-lm' }, repositories: [{ fullName: 'not a name' }] }),
      ).rejects.toThrow("'not a name' is not a repository name of the form owner/name")
      let list = await listFamilies(t.ctx, projectId)
      expect(list.find((f) => f.name === 'demo-lm')!.repositories.map((r) => `${r.platform}:${r.fullName}`)).toEqual([
        'github:demo-org/Demo-LM',
        'huggingface:demo-org/demo-7b',
      ])

      expect(await unlinkFamilyRepositories(t.ctx, { projectId, family: { name: 'demo-lm' }, repositories: [{ fullName: 'demo-org/demo-7b' }] })).toEqual({
        family: 'demo-lm',
        unlinked: 1,
      })
      expect(await deleteFamily(t.ctx, { projectId, family: { name: 'demo-lm' } })).toEqual({ deleted: 'demo-lm' })
      list = await listFamilies(t.ctx, projectId)
      expect(list.map((f) => f.name)).toEqual(['other'])
    })

    it('proposes links found in a README and a model card, with the passage, and accepts them into a family', async () => {
      const gh = repoWithReadme(githubReadme)
      const hf = repoWithReadme(modelCard)
      repos.push(gh, hf)
      const first = await importGit(gh, 'github', 'demo-org/Demo-LM')
      expect(first.proposals).toBe(0)
      // The README names two models that are not in the project yet.
      expect((await linksToImport(t.ctx, projectId)).map((l) => [l.target.fullName, l.foundIn])).toEqual([
        ['Demo-Org/demo-7b', 'github-readme'],
        ['demo-org/demo-7b-chat', 'github-readme'],
      ])

      const second = await importGit(hf, 'huggingface', 'demo-org/demo-7b')
      expect(second.proposals).toBe(2) // the README's link and the model card's link
      const proposals = await listProposals(t.ctx, projectId)
      expect(proposals.map((p) => [p.foundIn, p.github.fullName, p.huggingface.fullName, p.evidence, p.suggestedFamily])).toEqual([
        ['hf-model-card', 'demo-org/Demo-LM', 'demo-org/demo-7b', 'Code and training scripts: https://github.com/demo-org/Demo-LM', 'demo-lm'],
        ['github-readme', 'demo-org/Demo-LM', 'demo-org/demo-7b', '| Demo-7B | [🤗 Hugging Face](https://huggingface.co/Demo-Org/demo-7b) |', 'demo-lm'],
      ])
      expect((await linksToImport(t.ctx, projectId)).map((l) => l.target.fullName)).toEqual(['demo-org/demo-7b-chat'])

      const accepted = await acceptProposal(t.ctx, { projectId, id: proposals[1]!.id })
      expect(accepted).toMatchObject({ status: 'accepted', family: { name: 'demo-lm' } })
      const [family] = await listFamilies(t.ctx, projectId)
      expect(family!.repositories.map((r) => [r.fullName, r.commits])).toEqual([
        ['demo-org/Demo-LM', 2],
        ['demo-org/demo-7b', 2],
      ])
      await expect(acceptProposal(t.ctx, { projectId, id: proposals[1]!.id })).rejects.toThrow('is already accepted')
      // The model card's proposal is about the same pair: it is settled with it.
      expect(await listProposals(t.ctx, projectId, 'proposed')).toEqual([])
      expect((await listProposals(t.ctx, projectId, 'accepted')).map((p) => p.id).sort()).toEqual(proposals.map((p) => p.id).sort())
      expect((await discoverLinks(t.ctx, { projectId })).created).toBe(0)
    })

    it('does not propose a rejected link again, and asks which family when there are several', async () => {
      const gh = repoWithReadme(githubReadme)
      const hf = repoWithReadme('no links here\n')
      repos.push(gh, hf)
      await importGit(hf, 'huggingface', 'demo-org/demo-7b')
      await importGit(gh, 'github', 'demo-org/Demo-LM')
      const [proposal] = await listProposals(t.ctx, projectId)
      expect(proposal!.foundIn).toBe('github-readme')
      await rejectProposal(t.ctx, { projectId, id: proposal!.id })
      expect((await discoverLinks(t.ctx, { projectId })).created).toBe(0)
      expect(await listProposals(t.ctx, projectId, 'proposed')).toEqual([])
      expect((await listProposals(t.ctx, projectId, 'rejected')).map((p) => p.id)).toEqual([proposal!.id])

      // Two families hold the GitHub repository: accepting must name one.
      await createFamily(t.ctx, { projectId, name: 'a', repositories: [{ fullName: 'demo-org/Demo-LM' }] })
      await createFamily(t.ctx, { projectId, name: 'b', repositories: [{ fullName: 'demo-org/Demo-LM' }] })
      const chat = repoWithReadme('chat model\n')
      repos.push(chat)
      await importGit(chat, 'huggingface', 'demo-org/demo-7b-chat')
      const [open] = await listProposals(t.ctx, projectId, 'proposed')
      expect(open).toMatchObject({ huggingface: { fullName: 'demo-org/demo-7b-chat' }, suggestedFamily: null, familyChoices: ['a', 'b'] })
      await expect(acceptProposal(t.ctx, { projectId, id: open!.id })).rejects.toThrow('demo-org/Demo-LM is in several families (a, b): say which one')
      expect(await acceptProposal(t.ctx, { projectId, id: open!.id, family: 'b' })).toMatchObject({ family: { name: 'b' } })
    })
  })
})

// The CLI (a process per command) runs on a file only, to keep the suite's time down; the
// services it calls run on both engines above.
describe('concord family (CLI)', () => {
  let t: TestDatabase
  let env: Record<string, string>
  let gh: GitRepo
  let hf: GitRepo
  beforeAll(async () => {
    t = await freshDatabase()
    env = { DATABASE_URL: `file:${t.file}` }
    gh = repoWithReadme(githubReadme)
    hf = repoWithReadme(modelCard)
  })
  afterAll(async () => {
    await t.dispose()
    rmSync(gh.dir, { recursive: true, force: true })
    rmSync(hf.dir, { recursive: true, force: true })
  })

  it('adds, links, lists, renames, unlinks and deletes with one JSON document each', async () => {
    const run = async (...args: string[]) => {
      const r = await runCli(['family', ...args, '--json'], env)
      expect(r.code, r.stderr).toBe(0)
      return JSON.parse(r.stdout)
    }
    expect(await run('add', 'bert', 'github:google-research/bert')).toEqual({ family: 'bert', repositories: 1 })
    expect(await run('link', 'bert', 'hf:google-bert/bert-base-uncased', 'huggingface:google-bert/bert-base-cased')).toEqual({ family: 'bert', linked: 2 })
    expect(await run('list')).toEqual({
      families: [
        {
          name: 'bert',
          excluded_reason: null,
          repositories: [
            { platform: 'github', repo: 'google-research/bert', commits: 0 },
            { platform: 'huggingface', repo: 'google-bert/bert-base-cased', commits: 0 },
            { platform: 'huggingface', repo: 'google-bert/bert-base-uncased', commits: 0 },
          ],
        },
      ],
    })
    expect(await run('rename', 'bert', 'BERT')).toEqual({ family: 'BERT', renamed_from: 'bert' })
    expect(await run('unlink', 'BERT', 'google-bert/bert-base-cased')).toEqual({ family: 'BERT', unlinked: 1 })
    expect(await run('delete', 'BERT')).toEqual({ deleted: 'BERT' })
    const missing = await runCli(['family', 'rename', 'nope', 'x'], env)
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("error: no family 'nope' in this project")
    const usage = await runCli(['family', 'link', 'x'], env)
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('error: family link takes NAME REPO...')
  })

  it('discovers, lists and accepts proposals', async () => {
    expect((await runCli(['import', 'git', gh.dir, '--platform', 'github', '--repo', 'demo-org/Demo-LM'], env)).code).toBe(0)
    const imported = await runCli(['import', 'git', hf.dir, '--platform', 'huggingface', '--repo', 'demo-org/demo-7b'], env)
    expect(imported.stdout).toContain('2 family links proposed (see: concord family proposals)')
    const discovered = JSON.parse((await runCli(['family', 'discover', '--json'], env)).stdout)
    expect(discovered).toMatchObject({ created: 0, pending: 2 })
    expect(discovered.not_imported).toEqual([
      expect.objectContaining({ platform: 'huggingface', repo: 'demo-org/demo-7b-chat', from: 'github:demo-org/Demo-LM', found_in: 'github-readme' }),
    ])
    const { proposals } = JSON.parse((await runCli(['family', 'proposals', '--json'], env)).stdout)
    expect(proposals).toHaveLength(2)
    expect(proposals[0]).toMatchObject({ status: 'proposed', github: 'demo-org/Demo-LM', huggingface: 'demo-org/demo-7b', suggested_family: 'demo-lm' })
    const text = await runCli(['family', 'proposals'], env)
    expect(text.stdout).toContain('Code and training scripts: https://github.com/demo-org/Demo-LM')
    const accepted = JSON.parse((await runCli(['family', 'accept', String(proposals[0].id), '--family', 'demo', '--json'], env)).stdout)
    expect(accepted).toMatchObject({ status: 'accepted', family: 'demo' })
    const status = JSON.parse((await runCli(['status', '--json'], env)).stdout)
    expect(status).toMatchObject({ families: 1, commits: 4 })
    const bad = await runCli(['family', 'accept', 'seven'], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("family accept takes a proposal ID (a number), not 'seven'")
  })
})
