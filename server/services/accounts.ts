/**
 * @module Accounts: the first administrator, people and their passwords, sessions, personal
 * API tokens, invite links, and who may do what in a project (roles).
 */
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import { apiTokens, invites, projectMembers, projects, sessions, users } from '../../schema'
import type { ProjectRole, User } from '../../schema'
import { hashPassword, passwordProblem, verifyPassword } from '../auth/password'
import { hashSecret, newSecret } from '../auth/tokens'
import { audit } from './audit'
import type { Ctx, Viewer } from './context'
import { withDb } from './context'
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError, UnauthorizedError } from './errors'
import { getProject } from './projects'
import { machineSource } from './users'

export const sessionDays = 14
export const inviteDays = 7
const day = 24 * 60 * 60 * 1000

const viewerOf = (u: Pick<User, 'id' | 'name' | 'displayName' | 'siteAdmin'>): Viewer => ({
  id: u.id,
  name: u.name,
  displayName: u.displayName || u.name,
  siteAdmin: u.siteAdmin,
})

/** A person's sign-in name: what labels and exports show as the coder. */
export const UserName = z
  .string()
  .trim()
  .min(1, 'name: at least one character')
  .max(64, 'name: at most 64 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._-]*$/u, 'name: letters, digits, dots, dashes and underscores, starting with a letter or digit')
  .refine((n) => machineSource(n) === null, 'name: llm, rules and classifier are reserved for machine raters')

function checkPassword(password: string): void {
  const problem = passwordProblem(password)
  if (problem) throw new InvalidInputError(problem)
}

// ---- The first administrator -------------------------------------------------------------

/**
 * Makes sure the instance has an administrator: creates `name` (a site administrator) on the
 * first start. A given password is set on it (`CONCORD_ADMIN_PASSWORD`); there is never a
 * default password.
 * @returns the administrator and whether it was created now.
 */
export async function ensureSiteAdmin(ctx: Ctx, input: { name: string; password?: string | undefined }) {
  if (input.password !== undefined) checkPassword(input.password)
  const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password)
  const result = await ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    const [existing] = await tx.select().from(users).where(eq(users.siteAdmin, true)).orderBy(users.id).limit(1)
    let admin = existing
    let created = false
    if (!admin) {
      const name = UserName.parse(input.name)
      const [taken] = await tx.select().from(users).where(eq(users.name, name))
      if (taken && taken.kind !== 'human') throw new ConflictError(`'${name}' is a machine rater; choose another administrator name`)
      ;[admin] = taken
        ? await tx.update(users).set({ siteAdmin: true }).where(eq(users.id, taken.id)).returning()
        : await tx.insert(users).values({ name, displayName: name, kind: 'human', siteAdmin: true }).returning()
      created = true
      await audit(txCtx, { projectId: null, action: 'create', entity: 'user', entityId: admin!.id, details: { name, siteAdmin: true } })
    }
    if (passwordHash) await tx.update(users).set({ passwordHash }).where(eq(users.id, admin!.id))
    return { admin: viewerOf(admin!), created }
  })
  forgetSessionsOf(result.admin.id)
  return result
}

// ---- Passwords and sessions ---------------------------------------------------------------

/**
 * Checks a name and password. The same error for an unknown name, a wrong password and a
 * disabled account, so the answer does not tell which names exist.
 */
export async function checkCredentials(ctx: Ctx, input: { name: string; password: string }): Promise<Viewer> {
  const [user] = await ctx.db.select().from(users).where(eq(users.name, input.name.trim()))
  // Hash anyway for unknown names, so timing does not tell either.
  const ok = await verifyPassword(input.password, user?.passwordHash ?? 'scrypt$16384$8$5$AAAAAAAAAAAAAAAAAAAAAA$AAAA')
  if (!user || !ok || user.disabled || user.kind !== 'human') throw new UnauthorizedError('wrong name or password')
  return viewerOf(user)
}

/** Starts a session for the user; returns the secret for the cookie (stored only hashed). */
export async function createSession(ctx: Ctx, userId: number): Promise<{ secret: string; expiresAt: string }> {
  const secret = newSecret()
  const expiresAt = new Date(Date.now() + sessionDays * day).toISOString()
  await ctx.db.insert(sessions).values({ tokenHash: hashSecret(secret), userId, expiresAt })
  return { secret, expiresAt }
}

/**
 * Sessions looked up in the last moments, by token hash: every request of a coding screen asks,
 * several times a second, and a local database serves one query at a time. Whatever ends a
 * session or changes its person in this process (sign-out, password, disabling, site
 * administration) drops the entries at once; the short lifetime bounds how long a change made
 * by another process (another server on the same database) takes to be seen.
 */
const recentSessions = new Map<string, { viewer: Viewer; expiresAt: string; until: number }>()
const recentSessionMs = 5_000
/** Bounded memory: at most this many sessions are remembered (oldest dropped first). */
const recentSessionMax = 10_000

/** Bumped by every change, so a lookup that read the database before it does not remember its answer. */
let sessionChanges = 0

function forgetSessionsOf(userId: number): void {
  sessionChanges++
  for (const [hash, entry] of recentSessions) if (entry.viewer.id === userId) recentSessions.delete(hash)
}

/** The person a session cookie belongs to, or null when it is unknown, expired or disabled. */
export async function sessionViewer(ctx: Ctx, secret: string): Promise<Viewer | null> {
  const tokenHash = hashSecret(secret)
  const now = new Date()
  const recent = recentSessions.get(tokenHash)
  if (recent && recent.until > now.getTime() && recent.expiresAt > now.toISOString()) return recent.viewer
  recentSessions.delete(tokenHash)
  const changes = sessionChanges
  const [row] = await ctx.db
    .select({ user: users, expiresAt: sessions.expiresAt })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, now.toISOString())))
  if (!row || row.user.disabled) return null
  const viewer = viewerOf(row.user)
  if (changes === sessionChanges) {
    if (recentSessions.size >= recentSessionMax) recentSessions.delete(recentSessions.keys().next().value!)
    recentSessions.set(tokenHash, { viewer, expiresAt: row.expiresAt, until: now.getTime() + recentSessionMs })
  }
  return viewer
}

export async function endSession(ctx: Ctx, secret: string): Promise<void> {
  const tokenHash = hashSecret(secret)
  await ctx.db.delete(sessions).where(eq(sessions.tokenHash, tokenHash))
  sessionChanges++
  recentSessions.delete(tokenHash)
}

/** Whether the viewer has a password (the administrator signed in by the start-up link may not). */
export async function hasPassword(ctx: Ctx): Promise<boolean> {
  const viewer = requireViewer(ctx)
  const [row] = await ctx.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, viewer.id))
  return Boolean(row?.hash)
}

/**
 * Changes the viewer's own password, asking for the current one (unless they have none yet:
 * the administrator signed in by the start-up link); their other sessions end.
 */
export async function changePassword(ctx: Ctx, input: { current: string; next: string; keepSession?: string | undefined }) {
  const viewer = requireViewer(ctx)
  checkPassword(input.next)
  if (await hasPassword(ctx)) await checkCredentials(ctx, { name: viewer.name, password: input.current })
  const passwordHash = await hashPassword(input.next)
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, viewer.id))
    const keep = input.keepSession ? hashSecret(input.keepSession) : ''
    await tx.delete(sessions).where(and(eq(sessions.userId, viewer.id), sql`${sessions.tokenHash} <> ${keep}`))
    await audit(withDb(ctx, tx), { projectId: null, action: 'change-password', entity: 'user', entityId: viewer.id })
  })
  forgetSessionsOf(viewer.id)
}

export function requireViewer(ctx: Ctx): Viewer {
  if (!ctx.viewer) throw new UnauthorizedError()
  return ctx.viewer
}

// ---- API tokens ---------------------------------------------------------------------------

export const apiTokenPrefix = 'cnc_'

/** A new personal API token for the viewer; the secret is returned once and stored hashed. */
export async function createApiToken(ctx: Ctx, input: { name: string }) {
  const viewer = requireViewer(ctx)
  const name = z.string().trim().min(1, 'name: describe what the token is for').max(100).parse(input.name)
  const secret = newSecret(apiTokenPrefix)
  const [row] = await ctx.db
    .insert(apiTokens)
    .values({ userId: viewer.id, name, tokenHash: hashSecret(secret), prefix: secret.slice(0, apiTokenPrefix.length + 6) })
    .returning()
  await audit(ctx, { projectId: null, action: 'create', entity: 'api-token', entityId: row!.id, details: { name } })
  return { id: row!.id, name, prefix: row!.prefix, createdAt: row!.createdAt, token: secret }
}

export async function listApiTokens(ctx: Ctx) {
  const viewer = requireViewer(ctx)
  return ctx.db
    .select({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.userId, viewer.id), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.id))
}

export async function revokeApiToken(ctx: Ctx, id: number): Promise<void> {
  const viewer = requireViewer(ctx)
  const [row] = await ctx.db
    .update(apiTokens)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, viewer.id), isNull(apiTokens.revokedAt)))
    .returning()
  if (!row) throw new NotFoundError(`no API token ${id}`)
  await audit(ctx, { projectId: null, action: 'revoke', entity: 'api-token', entityId: id })
}

/** The person an API token belongs to, or null. */
export async function apiTokenViewer(ctx: Ctx, secret: string): Promise<Viewer | null> {
  const [row] = await ctx.db
    .select({ id: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hashSecret(secret)), isNull(apiTokens.revokedAt)))
  if (!row || row.user.disabled) return null
  // Written at most every few minutes, so reads by scripts do not each cost a write.
  const now = new Date()
  if (!row.lastUsedAt || now.getTime() - Date.parse(row.lastUsedAt) > 5 * 60 * 1000) {
    await ctx.db.update(apiTokens).set({ lastUsedAt: now.toISOString() }).where(eq(apiTokens.id, row.id))
  }
  return viewerOf(row.user)
}

// ---- Roles --------------------------------------------------------------------------------

/**
 * The viewer's role in a project: site administrators are admins everywhere; trusted callers
 * (the CLI, anonymous web requests while sign-in is not enforced) count as admins.
 */
export async function projectRole(ctx: Ctx, projectId: number): Promise<ProjectRole | null> {
  if (!ctx.viewer || ctx.viewer.siteAdmin) return 'admin'
  const [row] = await ctx.db
    .select({ role: projectMembers.role })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, ctx.viewer.id)))
  return row?.role ?? null
}

/** Fails unless the viewer may act in the project with at least `role`. */
export async function requireProjectRole(ctx: Ctx, projectId: number, role: ProjectRole): Promise<ProjectRole> {
  const has = await projectRole(ctx, projectId)
  if (!has) throw new ForbiddenError('you are not a member of this project')
  if (role === 'admin' && has !== 'admin') throw new ForbiddenError('only a project admin may do this')
  return has
}

export function requireSiteAdmin(ctx: Ctx): void {
  if (ctx.viewer && !ctx.viewer.siteAdmin) throw new ForbiddenError('only an administrator of this Concord may do this')
}

/** The ids of the projects the viewer is a member of; null when they see every project. */
export async function visibleProjectIds(ctx: Ctx): Promise<Set<number> | null> {
  if (!ctx.viewer || ctx.viewer.siteAdmin) return null
  const rows = await ctx.db.select({ id: projectMembers.projectId }).from(projectMembers).where(eq(projectMembers.userId, ctx.viewer.id))
  return new Set(rows.map((r) => r.id))
}

// ---- People and members -------------------------------------------------------------------

export const AddMemberInput = z.object({
  name: UserName,
  displayName: z.string().trim().max(100).optional(),
  role: z.enum(['admin', 'coder']).default('coder'),
  /** An initial password for a new account; without it, an invite link is made. */
  password: z.string().optional(),
})
export type AddMemberInput = z.input<typeof AddMemberInput>

/**
 * Adds a person to the project with a role, creating the account when the name is new (with
 * the given initial password, or else an invite link the admin passes on).
 * @returns the member and, for a new account without password, the invite secret.
 */
export async function addMember(ctx: Ctx, projectName: string, input: AddMemberInput) {
  const data = AddMemberInput.parse(input)
  const project = await getProject(ctx, projectName)
  await requireProjectRole(ctx, project.id, 'admin')
  if (data.password !== undefined) checkPassword(data.password)
  const passwordHash = data.password === undefined ? null : await hashPassword(data.password)
  return ctx.db.transaction(async (tx) => {
    const txCtx = withDb(ctx, tx)
    let [user] = await tx.select().from(users).where(eq(users.name, data.name))
    let invite: string | null = null
    if (user && user.kind !== 'human') throw new ConflictError(`'${data.name}' is a machine rater`)
    if (!user) {
      ;[user] = await tx
        .insert(users)
        .values({ name: data.name, displayName: data.displayName || data.name, kind: 'human', passwordHash })
        .returning()
      await audit(txCtx, { projectId: project.id, action: 'create', entity: 'user', entityId: user!.id, details: { name: data.name } })
    } else if (passwordHash) {
      throw new ConflictError(`'${data.name}' has an account already; they keep their own password`)
    }
    // A person without a password (new, or a coder imported with labels) gets an invite.
    if (!user!.passwordHash && !passwordHash) invite = await createInvite(txCtx, user!.id)
    await tx
      .insert(projectMembers)
      .values({ projectId: project.id, userId: user!.id, role: data.role })
      .onConflictDoUpdate({ target: [projectMembers.projectId, projectMembers.userId], set: { role: data.role } })
    await audit(txCtx, { projectId: project.id, action: 'add-member', entity: 'user', entityId: user!.id, details: { name: data.name, role: data.role } })
    return { id: user!.id, name: user!.name, displayName: user!.displayName, role: data.role, invite }
  })
}

async function createInvite(ctx: Ctx, userId: number): Promise<string> {
  const secret = newSecret()
  await ctx.db.insert(invites).values({
    tokenHash: hashSecret(secret),
    userId,
    createdById: ctx.viewer?.id ?? null,
    expiresAt: new Date(Date.now() + inviteDays * day).toISOString(),
  })
  return secret
}

/** A fresh invite link for a member who has not chosen a password (the last one was lost). */
export async function reinvite(ctx: Ctx, projectName: string, userId: number): Promise<string> {
  const project = await getProject(ctx, projectName)
  await requireProjectRole(ctx, project.id, 'admin')
  const member = (await listMembers(ctx, projectName)).find((m) => m.id === userId)
  if (!member) throw new NotFoundError(`user ${userId} is not a member of this project`)
  if (member.hasPassword) throw new ConflictError(`${member.name} has chosen a password already`)
  return createInvite(ctx, userId)
}

/** Accepts an invite: sets the password and returns the person (the caller starts a session). */
export async function acceptInvite(ctx: Ctx, input: { token: string; password: string }): Promise<Viewer> {
  checkPassword(input.password)
  const passwordHash = await hashPassword(input.password)
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ invite: invites, user: users })
      .from(invites)
      .innerJoin(users, eq(users.id, invites.userId))
      .where(eq(invites.tokenHash, hashSecret(input.token)))
    if (!row || row.invite.usedAt || row.invite.expiresAt < new Date().toISOString() || row.user.disabled) {
      throw new UnauthorizedError('this invite link is unknown, used or expired: ask your admin for a new one')
    }
    await tx.update(invites).set({ usedAt: new Date().toISOString() }).where(eq(invites.id, row.invite.id))
    await tx.update(users).set({ passwordHash }).where(eq(users.id, row.user.id))
    await audit(withDb({ ...ctx, actor: `user:${row.user.name}` }, tx), { projectId: null, action: 'accept-invite', entity: 'user', entityId: row.user.id })
    return viewerOf(row.user)
  })
}

export async function listMembers(ctx: Ctx, projectName: string) {
  const project = await getProject(ctx, projectName)
  const role = await requireProjectRole(ctx, project.id, 'coder')
  const rows = await ctx.db
    .select({ id: users.id, name: users.name, displayName: users.displayName, role: projectMembers.role, disabled: users.disabled, passwordHash: users.passwordHash })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(and(eq(projectMembers.projectId, project.id), eq(users.kind, 'human')))
    .orderBy(users.name)
  // Whether someone still has to accept their invite is the admins' business.
  return rows.map(({ passwordHash, ...m }) => ({ ...m, hasPassword: role === 'admin' ? passwordHash !== null : true }))
}

export async function setMemberRole(ctx: Ctx, projectName: string, userId: number, role: ProjectRole) {
  const project = await getProject(ctx, projectName)
  await requireProjectRole(ctx, project.id, 'admin')
  const [row] = await ctx.db
    .update(projectMembers)
    .set({ role })
    .where(and(eq(projectMembers.projectId, project.id), eq(projectMembers.userId, userId)))
    .returning()
  if (!row) throw new NotFoundError(`user ${userId} is not a member of this project`)
  await audit(ctx, { projectId: project.id, action: 'set-role', entity: 'user', entityId: userId, details: { role } })
  return row
}

export async function removeMember(ctx: Ctx, projectName: string, userId: number): Promise<void> {
  const project = await getProject(ctx, projectName)
  await requireProjectRole(ctx, project.id, 'admin')
  const [row] = await ctx.db
    .delete(projectMembers)
    .where(and(eq(projectMembers.projectId, project.id), eq(projectMembers.userId, userId)))
    .returning()
  if (!row) throw new NotFoundError(`user ${userId} is not a member of this project`)
  await audit(ctx, { projectId: project.id, action: 'remove-member', entity: 'user', entityId: userId })
}

// ---- The instance's people (site administrators) -----------------------------------------

export async function listUsers(ctx: Ctx) {
  requireSiteAdmin(ctx)
  const rows = await ctx.db
    .select({
      id: users.id,
      name: users.name,
      displayName: users.displayName,
      siteAdmin: users.siteAdmin,
      disabled: users.disabled,
      hasPassword: sql<number>`${users.passwordHash} is not null`,
      projects: sql<string | null>`(select group_concat(${projects.name} || ':' || ${projectMembers.role}, ',') from ${projectMembers}
        join ${projects} on ${projects.id} = ${projectMembers.projectId} where ${projectMembers.userId} = ${users.id})`,
    })
    .from(users)
    .where(eq(users.kind, 'human'))
    .orderBy(users.name)
  return rows.map((r) => ({ ...r, hasPassword: Boolean(r.hasPassword), projects: r.projects ? r.projects.split(',') : [] }))
}

/** Disables or re-enables an account, or grants or withdraws site administration. */
export async function updateUser(ctx: Ctx, userId: number, input: { disabled?: boolean | undefined; siteAdmin?: boolean | undefined }) {
  requireSiteAdmin(ctx)
  if (ctx.viewer?.id === userId && (input.disabled === true || input.siteAdmin === false)) {
    throw new ForbiddenError('you cannot disable yourself or withdraw your own administration')
  }
  const set: Partial<User> = {}
  if (input.disabled !== undefined) set.disabled = input.disabled
  if (input.siteAdmin !== undefined) set.siteAdmin = input.siteAdmin
  if (Object.keys(set).length === 0) throw new InvalidInputError('nothing to change: give disabled or siteAdmin')
  const [row] = await ctx.db.update(users).set(set).where(and(eq(users.id, userId), eq(users.kind, 'human'))).returning()
  if (!row) throw new NotFoundError(`no user ${userId}`)
  if (input.disabled) await ctx.db.delete(sessions).where(eq(sessions.userId, userId))
  forgetSessionsOf(userId)
  await audit(ctx, { projectId: null, action: 'update', entity: 'user', entityId: userId, details: set })
  return viewerOf(row)
}

/** Keeps the projects the viewer is a member of (all for administrators and trusted callers). */
export async function onlyVisibleProjects<T extends { id: number }>(ctx: Ctx, list: T[]): Promise<T[]> {
  const ids = await visibleProjectIds(ctx)
  return ids ? list.filter((p) => ids.has(p.id)) : list
}

/** The memberships of the viewer, for the client's menus. */
export async function myProjects(ctx: Ctx) {
  const viewer = requireViewer(ctx)
  return ctx.db
    .select({ project: projects.name, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(eq(projectMembers.userId, viewer.id))
    .orderBy(projects.name)
}
