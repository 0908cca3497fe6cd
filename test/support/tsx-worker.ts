/**
 * A worker thread running a TypeScript test module, and a way to ask it one thing at a time. Worker
 * threads do not inherit the test runner's TypeScript loading, so tsx loads the module.
 */
import { Worker } from 'node:worker_threads';

export interface TsxWorker<Request, Answer> {
  /** Posts a request; resolves with the worker's next message. */
  ask(request: Request): Promise<Answer>;
  terminate(): Promise<number>;
}

export function startTsxWorker<Request, Answer>(module: URL): TsxWorker<Request, Answer> {
  const thread = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(module.href)}); });`,
    { eval: true },
  );
  return {
    ask: (request) =>
      new Promise((resolve, reject) => {
        thread.once('message', resolve);
        thread.once('error', reject);
        thread.postMessage(request);
      }),
    terminate: () => thread.terminate(),
  };
}
