/**
 * @module The client's entry: mounts the router into `#root`.
 */
import { Router } from '@solidjs/router'
import { render } from 'solid-js/web'
import { AppShell } from './components/AppShell'
import { decodedPath } from './paths'
import { routes } from './routes'
import './styles.css'

const root = document.getElementById('root')
if (!root) throw new Error('Concord: the page has no #root element to mount the app into (check client/index.html)')

render(() => <Router root={AppShell} transformUrl={decodedPath}>{routes}</Router>, root)
