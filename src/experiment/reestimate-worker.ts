/**
 * A re-estimation worker (forked by reestimate.ts with one libtorch thread): estimates the epochs it is
 * sent, posting each epoch's lines back; the parent alone writes the run directory. It exits when done,
 * on an error (posted first), or when its parent goes away.
 */
import { estimateEpochs } from './reestimate.js';

process.once('message', (task: Parameters<typeof estimateEpochs>[0]) => {
  try {
    estimateEpochs(task, (result) => process.send!({ result }));
    // IPC keeps order: once the last message is out, every result before it is too.
    process.send!({ done: true }, () => process.exit(0));
  } catch (error) {
    process.send!({ error: (error as Error).message }, () => process.exit(1));
  }
});
process.on('disconnect', () => process.exit(0));
