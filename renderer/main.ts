/** Composition root of the renderer: picks the transport, builds the client, mounts the shell. */
import { mount } from 'svelte';
import App from './App.svelte';
import StartupProblem from './components/StartupProblem.svelte';
import { createApiClient } from './lib/api-client';
import { pickTransport } from './lib/pick-transport';
import './styles/app.css';

const target = document.getElementById('app');
if (!target) throw new Error('index.html lacks <div id="app">');
const choice = pickTransport(window);
if (choice.ok) {
  mount(App, { target, props: { client: createApiClient(choice.transport) } });
} else {
  mount(StartupProblem, { target, props: { reason: choice.reason } });
}
