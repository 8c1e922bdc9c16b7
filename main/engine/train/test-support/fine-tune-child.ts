/**
 * A second process for the kill test (app-kill-fine-tune.test.ts): opens the app composition on a library,
 * starts a long fine-tune job and prints `progress <step>` for every loss report, until it is killed.
 * argv: <library> <bundleDir>
 */
import { openAppComposition } from '../../../app-composition';
import { EventHub } from '../../../event-hub';

const [library, bundleDir] = process.argv.slice(2);
const events = new EventHub();
events.subscribe((m) => {
  if (m.name === 'finetune.progress') process.stdout.write(`progress ${m.payload.step}\n`);
});
const app = await openAppComposition({
  host: 'node',
  version: 'test',
  events,
  libraryPath: library!,
  bundleDir: bundleDir!,
});
const jobId = app.ctx.versions!.startFineTune({ epochs: 5000 });
process.stdout.write(`started ${jobId}\n`);
