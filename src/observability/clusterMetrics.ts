import cluster from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

// With WEB_CONCURRENCY > 1 each worker counts on its own. Whichever worker a scrape reaches asks
// the primary, which collects every worker's registry through prom-client's AggregatorRegistry
// (counters and histograms summed, gauges summed) and hands the text back: one scrape, one total.

const ASK_TIMEOUT_MS = 10_000;

interface MetricsRequest {
  hangar: 'metrics-request';
  id: number;
}

interface MetricsAnswer {
  hangar: 'metrics-answer';
  id: number;
  text?: string;
  error?: string;
}

const isRequest = (message: unknown): message is MetricsRequest =>
  typeof message === 'object' && message !== null && (message as MetricsRequest).hangar === 'metrics-request';
const isAnswer = (message: unknown): message is MetricsAnswer =>
  typeof message === 'object' && message !== null && (message as MetricsAnswer).hangar === 'metrics-answer';

/** In the primary: answers workers' requests for the aggregated metrics. */
export function serveClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on('message', (worker, message) => {
    if (!isRequest(message)) return;
    const reply = (answer: Omit<MetricsAnswer, 'hangar' | 'id'>) => {
      if (worker.isConnected()) worker.send({ hangar: 'metrics-answer', id: message.id, ...answer } satisfies MetricsAnswer);
    };
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: unknown) => reply({ error: (error as Error).message }),
    );
  });
}

let workerRegistry: Registry | undefined;
let nextId = 0;
const pending = new Map<number, { resolve(text: string): void; reject(error: Error): void; timer: NodeJS.Timeout }>();

/**
 * In a worker: lets the primary read `registry`, and returns how this worker gets the whole
 * cluster's metrics. One registry per worker process.
 */
export function clusterMetricsSource(registry: Registry): () => Promise<string> {
  if (workerRegistry === undefined) {
    process.on('message', (message: unknown) => {
      if (!isAnswer(message)) return;
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      clearTimeout(waiter.timer);
      if (message.text !== undefined) waiter.resolve(message.text);
      else waiter.reject(new Error(`the primary could not aggregate the metrics: ${message.error}`));
    });
    // Installs prom-client's answer to the primary's requests.
    new AggregatorRegistry();
  }
  workerRegistry = registry;
  AggregatorRegistry.setRegistries([registry]);
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`the primary did not answer a metrics request within ${ASK_TIMEOUT_MS} ms`));
      }, ASK_TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      process.send!({ hangar: 'metrics-request', id } satisfies MetricsRequest);
    });
}
