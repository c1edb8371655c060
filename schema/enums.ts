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

/** Codebook operations that change which code a stored label carries. */
export const codeChangeOperations = ['merge', 'split'] as const
export type CodeChangeOperation = (typeof codeChangeOperations)[number]

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

/** A coding round: `open` while coders code blind, `revealed` once labels may be seen and settled. */
export const roundStatuses = ['open', 'revealed'] as const
export type RoundStatus = (typeof roundStatuses)[number]

/** Whether coders see machine pre-labels: always, never, or once they saved their own label. */
export const preLabelModes = ['shown', 'hidden', 'after'] as const
export type PreLabelMode = (typeof preLabelModes)[number]

/** How a round's units are chosen. */
export const unitSelections = ['all', 'random', 'stratified'] as const
export type UnitSelection = (typeof unitSelections)[number]

/** What stratified sampling groups by. */
export const strataKinds = ['platform', 'family'] as const
export type StrataKind = (typeof strataKinds)[number]

/** Overlap: every unit by k coders, or a share of units by every coder and the rest split. */
export const overlapModes = ['k', 'share'] as const
export type OverlapMode = (typeof overlapModes)[number]
