/**
 * @module The client's routes; pages load lazily. New pages (coding, dashboard, codebook,
 * analysis) go under `/p/:project/…` and get a link in `projectSections` (components/AppShell).
 */
import type { RouteDefinition } from '@solidjs/router'
import { lazy } from 'solid-js'
import { preloadCommit, preloadProject } from './preload'

export const routes: RouteDefinition[] = [
  { path: '/', component: lazy(() => import('./pages/Projects')) },
  { path: '/p/:project', component: lazy(() => import('./pages/Project')), preload: preloadProject },
  { path: '/p/:project/commits/:id', component: lazy(() => import('./pages/Commit')), preload: preloadCommit },
  { path: '*404', component: lazy(() => import('./pages/NotFound')) },
]
