/**
 * @module Enumerations shared by columns, zod schemas, the API and the CLI.
 */

export const platforms = ['github', 'huggingface'] as const
export type Platform = (typeof platforms)[number]

/** Git's name-status letters as stored per changed file. */
export const fileStatuses = ['A', 'M', 'D', 'R', 'C', 'T'] as const
export type FileStatus = (typeof fileStatuses)[number]

export const userKinds = ['human', 'machine'] as const
export type UserKind = (typeof userKinds)[number]

export const projectRoles = ['admin', 'coder'] as const
export type ProjectRole = (typeof projectRoles)[number]

/** Where a label came from; `final` is reserved for adjudicated final codes in exports. */
export const labelSources = ['human', 'llm', 'rules', 'classifier'] as const
export type LabelSource = (typeof labelSources)[number]

export const codeStatuses = ['active', 'retired'] as const
export type CodeStatus = (typeof codeStatuses)[number]

export const finalCodeMethods = ['agreement', 'adjudication', 'import'] as const
export type FinalCodeMethod = (typeof finalCodeMethods)[number]

export const runStatuses = ['queued', 'running', 'done', 'failed', 'cancelled'] as const
export type RunStatus = (typeof runStatuses)[number]

export const labelers = ['rules', 'classifier', 'llm'] as const
export type Labeler = (typeof labelers)[number]

export const proposalStatuses = ['proposed', 'accepted', 'rejected'] as const
export type ProposalStatus = (typeof proposalStatuses)[number]

export const recodeStatuses = ['pending', 'done'] as const
export type RecodeStatus = (typeof recodeStatuses)[number]
