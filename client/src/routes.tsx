/**
 * @module The client's routes; pages load lazily. New pages (coding, dashboard, codebook,
 * analysis) go under `/p/:project/…` and get a link in `projectSections` (components/AppShell).
 */
import type { RouteDefinition } from '@solidjs/router'
import { lazy } from 'solid-js'
import { preloadAnalysis, preloadCardSort, preloadCodebook, preloadCommit, preloadFamilyAnalysis, preloadLabeling, preloadProject } from './preload'

export const routes: RouteDefinition[] = [
  { path: '/', component: lazy(() => import('./pages/Projects')) },
  { path: '/p/:project', component: lazy(() => import('./pages/Project')), preload: preloadProject },
  { path: '/p/:project/commits/:id', component: lazy(() => import('./pages/Commit')), preload: preloadCommit },
  { path: '/p/:project/labeling', component: lazy(() => import('./pages/Labeling')), preload: preloadLabeling },
  { path: '/p/:project/analysis', component: lazy(() => import('./pages/Analysis')), preload: preloadAnalysis },
  {
    path: '/p/:project/analysis/families/:family',
    component: lazy(() => import('./pages/Family')),
    preload: preloadFamilyAnalysis,
  },
  { path: '/p/:project/families', component: lazy(() => import('./pages/Families')) },
  { path: '/p/:project/import', component: lazy(() => import('./pages/Import')) },
  { path: '/p/:project/codebook', component: lazy(() => import('./pages/Codebook')), preload: preloadCodebook },
  { path: '/p/:project/card-sort', component: lazy(() => import('./pages/CardSort')), preload: preloadCardSort },
  { path: '/signin', component: lazy(() => import('./pages/SignIn')) },
  { path: '/invite', component: lazy(() => import('./pages/Invite')) },
  { path: '/account', component: lazy(() => import('./pages/Account')) },
  { path: '/p/:project/members', component: lazy(() => import('./pages/Members')) },
  { path: '/p/:project/rounds', component: lazy(() => import('./pages/Rounds')) },
  { path: '/p/:project/rounds/:id', component: lazy(() => import('./pages/Dashboard')) },
  { path: '/p/:project/rounds/:id/code', component: lazy(() => import('./pages/Coding')) },
  { path: '/p/:project/rounds/:id/adjudicate', component: lazy(() => import('./pages/Adjudication')) },
  { path: '*404', component: lazy(() => import('./pages/NotFound')) },
]
